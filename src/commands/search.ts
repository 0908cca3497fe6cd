/**
 * `dirbridge search <filter> [attributes...]`: a search through the configured directory, in this
 * process and without a listener, printed as LDIF (RFC 2849: base64 for values that are not plain
 * ASCII). The directory answers exactly as it would over LDAP to a reader that sees every mount;
 * with `--view`, in the names a client of that view (a PBX's import map) uses.
 */
import type { Writable } from 'node:stream';
import { Command, Option } from 'commander';
import type { Config } from '../config/types.js';
import type { Directory, Scope } from '../directory/directory.js';
import { DirectoryError } from '../directory/directory-error.js';
import type { Filter } from '../filter/ast.js';
import { FilterSyntaxError, parseFilter } from '../filter/parse.js';
import { CommandError, UsageError } from './command-error.js';
import {
  configOption,
  loadCommandConfig,
  wholeNumber,
  withDirectory,
  write,
  type ConfigOptions,
} from './command-setup.js';
import { ldifEntry } from './ldif-writer.js';
import { namedView, viewNames } from '../view/view-catalog.js';
import type { PresentedView } from '../view/presented-view.js';
import { clientHit, presentedSearch } from '../view/viewed-search.js';
import type { Finish } from './command-error.js';

export interface SearchOptions extends ConfigOptions {
  readonly base?: string;
  readonly scope: Scope;
  /** Entries to print at most; 0 for all. Default: the config's `directory.sizeLimit`. */
  readonly sizeLimit?: number;
  /** A view's name: the filter, the attributes and the entries in its client names. */
  readonly view?: string;
}

export function searchCommand(finish: Finish): Command {
  return new Command('search')
    .summary('search the configured directory and print LDIF')
    .description(
      'Searches the directory the config describes, without starting a server, and prints the ' +
        'entries found as LDIF. Attributes: any presented attribute, * for all user attributes, + for ' +
        'the operational ones (entryUUID, ...); none listed means *.',
    )
    .argument('<filter>', "an LDAP filter, e.g. '(|(cn=*müller*)(telephoneNumber=*1234*))'")
    .argument('[attributes...]', 'attributes to print')
    .addOption(configOption())
    .option('-b, --base <dn>', 'where to search from (default: the suffix)')
    .addOption(new Option('-s, --scope <scope>', 'how deep').choices(['base', 'one', 'sub']).default('sub'))
    .addOption(
      new Option(
        '-z, --size-limit <n>',
        'print at most n entries, 0 for all (default: directory.sizeLimit)',
      ).argParser(wholeNumber),
    )
    .option(
      '--view <name>',
      'search as a client of this view does: filter, attributes and entries in its names (e.g. seed-ad)',
    )
    .addHelpText(
      'after',
      "\nExample:\n  dirbridge search -c config/default.yaml '(sn=müller)' cn telephoneNumber mobile\n" +
        "  dirbridge search --view seed-ad '(extension=1234)'\n\n" +
        'Exit status: 0 done (a size limit reached is said on stderr), 1 the directory failed, 2 usage error.',
    )
    .action(async (filter: string, attributes: string[], options: SearchOptions) =>
      finish(await search(filter, attributes, options)),
    );
}

export async function search(
  filterText: string,
  attributes: readonly string[],
  options: SearchOptions,
  out: Writable = process.stdout,
  err: Writable = process.stderr,
): Promise<number> {
  const filter = parseSearchFilter(filterText);
  const config = await loadCommandConfig(options.config);
  const limit = options.sizeLimit ?? config.directory.sizeLimit;
  const printed = await withDirectory(config, (directory) =>
    printHits(directory, config, { filter, attributes, options, limit }, out),
  );
  if (printed.more) err.write(`dirbridge: size limit ${limit} reached; more entries match (-z 0 for all)\n`);
  return 0;
}

function parseSearchFilter(text: string): Filter {
  try {
    return parseFilter(text);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw new UsageError(error.message);
    throw error;
  }
}

interface Query {
  readonly filter: Filter;
  readonly attributes: readonly string[];
  readonly options: SearchOptions;
  readonly limit: number;
}

async function printHits(
  directory: Directory,
  config: Config,
  query: Query,
  out: Writable,
): Promise<{ count: number; more: boolean }> {
  const { filter, attributes, options, limit } = query;
  const view = chosenView(options.view, config, directory);
  const request = presentedSearch(
    {
      base: options.base ?? config.directory.suffix,
      scope: options.scope,
      filter,
      attributes,
      typesOnly: false,
    },
    view,
  );
  let count = 0;
  try {
    for await (const found of directory.search(request, new AbortController().signal)) {
      if (limit > 0 && count >= limit) return { count, more: true };
      const hit = clientHit(found, view);
      await write(out, ldifEntry(hit.dn, hit.attributes));
      count++;
    }
  } catch (error) {
    throw directoryProblem(error, request.base);
  }
  return { count, more: false };
}

/** The view `--view` names, compiled; a name the config does not know is a usage error. */
function chosenView(
  name: string | undefined,
  config: Config,
  directory: Directory,
): PresentedView | undefined {
  if (name === undefined) return undefined;
  if (!viewNames(config.views).includes(name))
    throw new UsageError(`--view: no view named '${name}' (there are ${viewNames(config.views).join(', ')})`);
  return namedView(name, config.views, directory.schema) ?? undefined;
}

/** What the directory refused, as an operator's error: a bad base is usage, the rest is the directory's. */
function directoryProblem(error: unknown, base: string): unknown {
  if (!(error instanceof DirectoryError)) return error;
  const matched = error.matchedDN ? ` (the nearest entry that exists is ${error.matchedDN})` : '';
  const message = `${base}: ${error.message}${matched}`;
  return error.code === 'invalidDNSyntax' ? new UsageError(message) : new CommandError(message);
}
