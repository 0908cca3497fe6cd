/** Active Directory's defaults for the ldap source's settings: the config schema shows them. */

export const AD_ID_ATTRIBUTE = 'objectGUID';
/** Person entries of class user: people, not computer accounts (which are users too). */
export const AD_USERS_FILTER = '(&(objectCategory=person)(objectClass=user))';
