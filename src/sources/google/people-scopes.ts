/** The OAuth scopes the source reads with: read-only, one per kind of listing. */
export const DIRECTORY_SCOPE = 'https://www.googleapis.com/auth/directory.readonly';
export const CONTACTS_SCOPE = 'https://www.googleapis.com/auth/contacts.readonly';
export const OTHER_CONTACTS_SCOPE = 'https://www.googleapis.com/auth/contacts.other.readonly';
