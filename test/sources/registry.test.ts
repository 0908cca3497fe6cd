/**
 * The source types as their descriptors state them: each folder's settings name a default mode,
 * its path settings exist among its settings, and the generated config schema holds each type's
 * settings as the descriptor writes them, so a new type needs its folder and one line in the list.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { configSchema, sourceTypeDefinition } from '../../src/config/config-schema.js';
import type { JsonSchema } from '../../src/config/json-schema.js';
import {
  SOURCE_TYPES,
  loadSourceFactories,
  registerSourceType,
  sourceType,
  sourceTypes,
} from '../../src/sources/registry.js';
import type { SourceDescriptor } from '../../src/sources/source-descriptor.js';

/** Whether a CommonJS client library has been loaded into this process. */
const loaded = (library: string): boolean =>
  Object.keys(createRequire(import.meta.url).cache).some((path) =>
    path.includes(`/node_modules/${library}/`),
  );

function setting(descriptor: SourceDescriptor, dotted: string): JsonSchema | undefined {
  const [outer, inner] = dotted.split('.') as [string, string | undefined];
  const property = descriptor.settings.properties[outer];
  if (inner === undefined) return property;
  const nested = property?.properties?.[inner];
  return nested === true ? undefined : nested;
}

describe('source descriptors', () => {
  it('lists file, ldap, ad, domino, graph, google and ews, in the order of the reference', () => {
    expect(SOURCE_TYPES.map((type) => type.type)).toEqual([
      'file',
      'ldap',
      'ad',
      'domino',
      'graph',
      'google',
      'ews',
    ]);
  });

  it.each(SOURCE_TYPES.map((type) => [type.type, type] as const))(
    '%s: names its default mode, describes itself and every setting, and has its path settings',
    (_name, descriptor) => {
      expect(descriptor.settings.properties.mode?.default).toBeDefined();
      expect(descriptor.description.length).toBeGreaterThan(20);
      for (const [name, property] of Object.entries(descriptor.settings.properties))
        expect(property.description, name).toBeTruthy();
      for (const path of descriptor.pathSettings) expect(setting(descriptor, path), path).toBeDefined();
    },
  );

  it('the ldap-family types share the ldap settings, ad and domino changing only their defaults and names', () => {
    const [ldap, ad, domino] = ['ldap', 'ad', 'domino'].map((name) => sourceType(name)!);
    for (const type of [ad!, domino!]) {
      expect(type.settings.properties.pageSize).toBe(ldap!.settings.properties.pageSize);
      expect(type.pathSettings).toEqual(['tls.ca']);
    }
    expect(ad!.settings.properties.idAttribute?.default).toBe('objectGUID');
    expect(domino!.settings.properties.idAttribute?.default).toBe('dominoUNID');
    expect(domino!.settings.properties.mode?.default).toBe('replica');
    expect(ldap!.settings.properties.upnSuffixes).toBeUndefined();
    expect(ad!.settings.properties.upnSuffixes).toBeDefined();
  });

  it('the config schema holds one definition per type, chosen by `type`', () => {
    const schema = configSchema(SOURCE_TYPES);
    const source = schema.$defs!.source!;
    expect((source.properties!.type as JsonSchema).enum).toEqual([
      'file',
      'ldap',
      'ad',
      'domino',
      'graph',
      'google',
      'ews',
    ]);
    for (const type of SOURCE_TYPES) {
      expect(schema.$defs![`${type.type}Source`]).toEqual(sourceTypeDefinition(type));
      expect(source.allOf).toContainEqual({
        if: { type: 'object', required: ['type'], properties: { type: { const: type.type } } },
        then: { $ref: `#/$defs/${type.type}Source` },
      });
    }
  });

  it('a type registered at run time is known by name and joins the list', () => {
    const extra: SourceDescriptor = {
      ...sourceType('file')!,
      type: 'registry-test',
    };
    registerSourceType(extra);
    expect(sourceType('registry-test')).toBe(extra);
    expect(sourceTypes().map((type) => type.type)).toContain('registry-test');
    expect(SOURCE_TYPES).not.toContain(extra);
  });

  it("loads a type's implementation, and its client library, only for the types asked for", async () => {
    expect(loaded('@googleapis/people')).toBe(false);
    expect(loaded('@microsoft/microsoft-graph-client')).toBe(false);
    const factories = await loadSourceFactories(['file', 'google', 'file', 'no-such-type']);
    expect([...factories.keys()]).toEqual(['file', 'google']);
    expect(loaded('@googleapis/people')).toBe(true);
    expect(loaded('@microsoft/microsoft-graph-client')).toBe(false);
    const again = await loadSourceFactories(['google']);
    expect(again.get('google')).toBe(factories.get('google'));
  });
});
