/**
 * The file source's default map: identity. A column or LDIF attribute named like a presented
 * attribute (any case, or an alias such as `surname`) fills that attribute; other fields are
 * presented only when config maps them. The attributes the directory derives (objectClass,
 * objectCategory, entryUUID) are never filled from the file: objectClass only tells the record's kind.
 */
import { IDENTITY_MAP } from '../../mapping/field-map.js';

export const FILE_DEFAULT_MAP: typeof IDENTITY_MAP = IDENTITY_MAP;
