/**
 * Assembles a running dirbridge from a validated config: sources mounted through their maps, the
 * directory loaded, and the listeners open. Used by `dirbridge serve` and by the end-to-end fixtures.
 */
import { AccessPolicy } from './auth/access-policy.js';
import { Authenticator } from './auth/authenticator.js';
import type { Config, SourceConfig } from './config/types.js';
import { Directory } from './directory/directory.js';
import { FilterEvaluator } from './directory/evaluator.js';
import { MountedSource } from './directory/mounted-source.js';
import { Namespace } from './directory/namespace.js';
import { Presenter } from './directory/presenter.js';
import { Schema } from './directory/schema.js';
import { FieldMap } from './mapping/field-map.js';
import type { Logger } from './observability/logger.js';
import { LdapServer, type ListeningAddress } from './server.js';
import { SUPPORTED_CONTROLS, SUPPORTED_EXTENSIONS, SUPPORTED_FEATURES } from './session/supported.js';
import { sourceType } from './sources/registry.js';
import type { SourceKind } from './sources/source.js';
import { VERSION } from './version.js';

export interface Running {
  readonly directory: Directory;
  readonly server: LdapServer;
  readonly addresses: readonly ListeningAddress[];
  close(): Promise<void>;
}

export class StartupError extends Error {
  override name = 'StartupError';
}

export async function buildDirectory(
  config: Config,
  logger: Logger,
  signal: AbortSignal,
): Promise<Directory> {
  const schema = Schema.load();
  const evaluator = new FilterEvaluator(schema, { defaultCountry: config.directory.defaultCountry });
  const namespace = new Namespace(
    config.directory.suffix,
    config.sources.map((s) => s.name),
    schema,
  );
  const mounts = config.sources.map((sourceConfig, index) =>
    mountSource(sourceConfig, `sources[${index}]`, { config, schema, evaluator, namespace, logger }),
  );
  const directory = new Directory({
    namespace,
    schema,
    evaluator,
    mounts,
    features: {
      supportedControls: SUPPORTED_CONTROLS,
      supportedExtensions: SUPPORTED_EXTENSIONS,
      supportedFeatures: SUPPORTED_FEATURES,
      vendorName: 'dirbridge',
      vendorVersion: `dirbridge ${VERSION}`,
    },
  });
  try {
    await directory.start(signal);
  } catch (error) {
    await directory.close();
    throw new StartupError(`${config.file}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return directory;
}

interface MountContext {
  readonly config: Config;
  readonly schema: Schema;
  readonly evaluator: FilterEvaluator;
  readonly namespace: Namespace;
  readonly logger: Logger;
}

function mountSource(sourceConfig: SourceConfig, where: string, context: MountContext): MountedSource {
  const type = sourceType(sourceConfig.type);
  if (!type)
    throw new StartupError(
      `${context.config.file}: ${where}.type: unknown source type "${sourceConfig.type}"`,
    );
  const logger = context.logger.child({ source: sourceConfig.name });
  const source = type.create(sourceConfig, { logger });
  let map: FieldMap;
  try {
    map = new FieldMap(context.schema, type.defaultMap, sourceConfig.map);
  } catch (error) {
    throw new StartupError(
      `${context.config.file}: ${where}.${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const mode = sourceConfig.mode ?? source.capabilities.modes[0] ?? 'live';
  if (!source.capabilities.modes.includes(mode)) {
    throw new StartupError(
      `${context.config.file}: ${where}.mode: a ${sourceConfig.type} source cannot run in ${mode} mode`,
    );
  }
  return new MountedSource({
    source,
    mode,
    map,
    presenter: new Presenter(source.name, source.kind satisfies SourceKind, map, context.namespace),
    evaluator: context.evaluator,
    schema: context.schema,
    defaultCountry: context.config.directory.defaultCountry,
    description: `${sourceConfig.type} source "${source.name}" (${mode})`,
  });
}

export async function startDirbridge(config: Config, logger: Logger): Promise<Running> {
  const startup = new AbortController();
  const directory = await buildDirectory(config, logger, startup.signal);
  const server = new LdapServer({
    directory,
    authenticator: new Authenticator(),
    access: new AccessPolicy(config.access),
    directoryConfig: config.directory,
    limits: config.limits,
    logger,
  });
  let addresses: ListeningAddress[];
  try {
    addresses = await server.listen(config.listen);
  } catch (error) {
    await server.close();
    await directory.close();
    throw error;
  }
  return {
    directory,
    server,
    addresses,
    async close() {
      await server.close();
      await directory.close();
    },
  };
}
