/**
 * The Exchange address book (GAL) read by ResolveNames with full contact data: people (mailboxes)
 * as users and mail contacts as contacts, each identified by its primary SMTP address; groups
 * and public folders are left out. Exchange returns at most 100 entries a call and says when it
 * left some out (IncludesAllResolutions); its addresses carry the routing prefix `SMTP:`, taken
 * off here.
 */
import {
  MailboxType,
  ResolveNameSearchLocation,
  type ExchangeService,
  type NameResolution,
} from 'ews-javascript-api';
import type { SourceRecord } from '../source.js';
import { ewsCall } from './busy-retry.js';
import { contactFields, withoutRoutingPrefix } from './contact-records.js';
import type { FailureScene } from './ews-failure.js';
import { xmlText } from './xml-text.js';

export interface Resolved {
  readonly records: SourceRecord[];
  /** Whether Exchange returned every entry the name resolves to (it stops at 100). */
  readonly complete: boolean;
}

export class AddressBook {
  constructor(
    private readonly source: string,
    private readonly service: ExchangeService,
    private readonly scene: FailureScene,
  ) {}

  async resolve(name: string, signal: AbortSignal): Promise<Resolved> {
    const resolutions = await ewsCall(
      this.source,
      this.scene,
      () => this.service.ResolveName(xmlText(name), ResolveNameSearchLocation.DirectoryOnly, true),
      signal,
    );
    const records: SourceRecord[] = [];
    for (const resolution of resolutions.GetEnumerator()) {
      const record = galRecord(resolution);
      if (record) records.push(record);
    }
    // The library leaves IncludesAllResolutions false when Exchange found nobody (its
    // ErrorNameResolutionNoResults answer has no ResolutionSet): no name is not a cut-off list.
    return { records, complete: resolutions.Count === 0 || resolutions.IncludesAllResolutions };
  }

  /** One entry by its SMTP address (resolved with the `SMTP:` routing prefix: that address only). */
  async get(address: string, signal: AbortSignal): Promise<SourceRecord | undefined> {
    const { records } = await this.resolve(`SMTP:${address}`, signal);
    return records.find((record) => record.id.toLowerCase() === address.toLowerCase());
  }
}

const KINDS = new Map<MailboxType, 'user' | 'contact'>([
  [MailboxType.Mailbox, 'user'],
  [MailboxType.Contact, 'contact'],
]);

function galRecord(resolution: NameResolution): SourceRecord | undefined {
  const mailbox = resolution.Mailbox;
  const kind = KINDS.get(mailbox.MailboxType);
  const address = withoutRoutingPrefix(mailbox.Address);
  if (kind === undefined || !address) return undefined;
  const contact = resolution.Contact as NameResolution['Contact'] | null;
  const fields = contact === null ? {} : contactFields(contact);
  fields.smtpAddress = [address];
  if (fields.DisplayName === undefined && mailbox.Name) fields.DisplayName = [mailbox.Name];
  const alias = aliasOf(contact);
  if (alias) fields.Alias = [alias];
  return { id: address, kind, fields };
}

/** The GAL's alias (mailNickname), which only address book entries have. */
function aliasOf(contact: NameResolution['Contact'] | null): string | undefined {
  try {
    return contact?.Alias || undefined;
  } catch {
    return undefined; // not loaded
  }
}
