/** The OAuth scopes the People API's read methods accept. */
export const SCOPES = {
  directoryReadonly: 'https://www.googleapis.com/auth/directory.readonly',
  contacts: 'https://www.googleapis.com/auth/contacts',
  contactsReadonly: 'https://www.googleapis.com/auth/contacts.readonly',
  otherContactsReadonly: 'https://www.googleapis.com/auth/contacts.other.readonly',
} as const;

/** Each method's RPC name (as Google names it in ErrorInfo metadata) and the scopes that admit it. */
export interface ApiMethod {
  readonly rpc: string;
  readonly scopes: readonly string[];
}

const contactScopes = [SCOPES.contacts, SCOPES.contactsReadonly];

export const METHODS = {
  listDirectoryPeople: {
    rpc: 'google.people.v1.PeopleService.ListDirectoryPeople',
    scopes: [SCOPES.directoryReadonly],
  },
  searchDirectoryPeople: {
    rpc: 'google.people.v1.PeopleService.SearchDirectoryPeople',
    scopes: [SCOPES.directoryReadonly],
  },
  listConnections: { rpc: 'google.people.v1.PeopleService.ListConnections', scopes: contactScopes },
  searchContacts: { rpc: 'google.people.v1.PeopleService.SearchContacts', scopes: contactScopes },
  listOtherContacts: {
    rpc: 'google.people.v1.OtherContacts.ListOtherContacts',
    scopes: [SCOPES.otherContactsReadonly],
  },
  searchOtherContacts: {
    rpc: 'google.people.v1.OtherContacts.SearchOtherContacts',
    scopes: [SCOPES.otherContactsReadonly],
  },
} as const satisfies Record<string, ApiMethod>;
