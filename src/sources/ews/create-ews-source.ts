/** How an ews source is built from its config: loaded only when a config has an ews source. */
import type { SourceConfig } from '../../config/types.js';
import type { SourceContext } from '../source-descriptor.js';
import { validSettings } from '../valid-settings.js';
import { EwsAddressBookSource } from './address-book-source.js';
import { EWS_SOURCE } from './descriptor.js';
import { readEwsSettings } from './ews-settings.js';
import { EwsSource } from './ews-source.js';

/**
 * Builds an ews source from its config (checked and defaulted; nothing is contacted yet): mailbox
 * contacts, or with `addressBook` the address book.
 */
export function createEwsSource(
  config: SourceConfig,
  context?: Partial<SourceContext>,
): EwsSource | EwsAddressBookSource {
  const settings = readEwsSettings(validSettings(EWS_SOURCE, config));
  return settings.addressBook
    ? new EwsAddressBookSource(settings, context?.logger)
    : new EwsSource(settings, context?.logger);
}
