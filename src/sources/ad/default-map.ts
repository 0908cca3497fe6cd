/**
 * The Active Directory source's default map. The presented schema uses AD's attribute names, so
 * most attributes come from the AD attribute of the same name, as in the generic LDAP map; two are
 * filled by meaning instead:
 * `o` (organisation, which Snom phones search) from `company`, and `uid` (the login in LDAP-style
 * maps) from `sAMAccountName`. Config's `map` overrides any of them.
 */
import type { FieldMapSpec } from '../../mapping/field-map.js';
import { LDAP_DEFAULT_MAP } from '../ldap/default-map.js';

export const AD_DEFAULT_MAP: FieldMapSpec = {
  ...LDAP_DEFAULT_MAP,
  o: 'company',
  uid: 'sAMAccountName',
};
