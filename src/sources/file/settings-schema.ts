/** The file source's settings, each default written once here and read from the validated config. */
import type { SourceTypeSchema } from '../../config/source-type-schema.js';

export const FILE_SETTINGS: SourceTypeSchema['settings'] = {
  required: ['path'],
  properties: {
    mode: {
      description: 'A file is always served from its in-memory copy.',
      const: 'replica',
      default: 'replica',
    },
    path: {
      description: "The file to serve; a relative path is read from the config file's folder.",
      type: 'string',
      minLength: 1,
    },
    format: {
      description: 'File format. Default: `ldif` for `.ldif`/`.ldi` files, `csv` otherwise.',
      enum: ['csv', 'ldif'],
    },
    kind: {
      description:
        'Whether records are users or contacts, for records without an `objectClass` of `user` or `contact`.',
      enum: ['users', 'contacts', 'both'],
      default: 'both',
    },
    multiValueSeparator: {
      description:
        'CSV only: separates the values of a multi-valued cell such as `+49 151 1234567|+49 171 7654321`.',
      type: 'string',
      minLength: 1,
      default: '|',
    },
    idField: {
      description:
        "Field holding each record's stable id. Default: the `id` field, else `entryUUID`, else (LDIF) the DN or (CSV) the `mail` value, else a hash of the row.",
      type: 'string',
      minLength: 1,
    },
    encoding: {
      description: 'Character encoding of the file (`latin1` is read as Windows-1252, as Excel writes it).',
      enum: ['utf8', 'utf16le', 'latin1'],
      default: 'utf8',
    },
  },
};
