/**
 * The ExchangeService for one mailbox, set up once per source the way CLOUD-APIS §3.1 found works:
 * Exchange2013 requests (the oldest server supported), the credential, our guarded XHR layer with a
 * real timeout and the configured CA (NTLM through its own CA-trusting handshake), and for a listed
 * mailbox ExchangeImpersonation by SMTP address with X-AnchorMailbox.
 */
import { rootCertificates } from 'node:tls';
import { Agent } from 'node:https';
import { XhrApi } from '@ewsjs/xhr';
import {
  ConnectingIdType,
  ExchangeService,
  ExchangeVersion,
  ImpersonatedUserId,
  OAuthCredentials,
  Uri,
  WebCredentials,
} from 'ews-javascript-api';
import type { BearerTokenFile } from './bearer-token-file.js';
import type { EwsSourceSettings } from './ews-settings.js';
import { GuardedXhr } from './guarded-xhr.js';
import { NtlmOverTls } from './ntlm-over-tls.js';
import { xmlText } from './xml-text.js';

export class ExchangeClient {
  readonly #xhr: GuardedXhr;
  readonly #agent: Agent | undefined;
  readonly #services = new Map<string, ExchangeService>();

  constructor(private readonly settings: EwsSourceSettings) {
    const ca = settings.ca === undefined ? undefined : [...rootCertificates, settings.ca];
    this.#agent = ca === undefined ? undefined : new Agent({ ca, keepAlive: true });
    const inner = new XhrApi({
      timeout: settings.timeoutMs,
      ...(this.#agent === undefined ? {} : { httpsAgent: this.#agent }),
    });
    const { credential } = settings;
    if (credential.kind === 'ntlm')
      inner.setAuthProvider(new NtlmOverTls(credential.username, credential.password, ca));
    const renewed =
      credential.kind === 'bearer' && typeof credential.token !== 'string' ? credential.token : undefined;
    this.#xhr = new GuardedXhr(inner, settings.timeoutMs, renewed && (() => renewed.current()));
  }

  /** The service working in `mailbox` (by impersonation), or in the account's own when undefined. */
  service(mailbox: string | undefined): ExchangeService {
    const key = mailbox?.toLowerCase() ?? '';
    let service = this.#services.get(key);
    if (service === undefined) {
      service = this.#build(mailbox);
      this.#services.set(key, service);
    }
    return service;
  }

  /** Drops the kept-alive connections. */
  close(): void {
    this.#agent?.destroy();
  }

  #build(mailbox: string | undefined): ExchangeService {
    const service = new ExchangeService(ExchangeVersion.Exchange2013);
    service.Url = new Uri(this.settings.url);
    const { credential } = this.settings;
    // NTLM signs in through the XHR layer, but the library refuses to send without Credentials.
    service.Credentials =
      credential.kind === 'bearer'
        ? new OAuthCredentials(tokenNow(credential.token), true)
        : new WebCredentials(credential.username, credential.password);
    service.XHRApi = this.#xhr;
    if (mailbox !== undefined) {
      // The library writes the address into the SOAP header unescaped.
      service.ImpersonatedUserId = new ImpersonatedUserId(ConnectingIdType.SmtpAddress, xmlText(mailbox));
      service.HttpHeaders.Add('X-AnchorMailbox', mailbox);
    }
    return service;
  }
}

function tokenNow(token: string | BearerTokenFile): string {
  return typeof token === 'string' ? token : token.current();
}
