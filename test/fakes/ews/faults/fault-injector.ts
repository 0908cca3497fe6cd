/**
 * Failures a test arranges ahead: each is served to the next matching request (optionally only for
 * one operation), `times` times (Infinity for always), then the fake behaves again.
 */
export type InjectedFault =
  /** ErrorServerBusy with BackOffMilliseconds: an HTTP 500 SOAP fault, or inside a 200 response message. */
  | { readonly kind: 'server-busy'; readonly backOffMilliseconds: number; readonly in?: 'fault' | 'response' }
  /** ErrorExceededConnectionCount (EWSMaxConcurrency), as a fault or inside a 200 response message. */
  | { readonly kind: 'exceeded-connection-count'; readonly in?: 'fault' | 'response' }
  /** Accepts the request and never answers. */
  | { readonly kind: 'hang' }
  /** Never answers the NTLM negotiate (the GET that opens the handshake). */
  | { readonly kind: 'hang-ntlm-handshake' }
  /** IIS's HTML "500 - Internal server error." page. */
  | { readonly kind: 'html-500' }
  /** A 500 with a non-SOAP text body (empty by default): the shape that wedges ews-javascript-api. */
  | { readonly kind: 'text-500'; readonly body?: string; readonly contentType?: string }
  /** 503 from HTTP.sys's queue, without a body. */
  | { readonly kind: 'unavailable-503' }
  /** Answers normally, this much later. */
  | { readonly kind: 'delay'; readonly milliseconds: number };

export interface FaultOptions {
  readonly times?: number;
  /** Only for this operation (FindItem, SyncFolderItems, …); the NTLM handshake has none. */
  readonly operation?: string;
}

interface Rule {
  readonly fault: InjectedFault;
  readonly operation: string | undefined;
  remaining: number;
}

export class FaultInjector {
  private rules: Rule[] = [];

  inject(fault: InjectedFault, options: FaultOptions = {}): void {
    this.rules.push({ fault, operation: options.operation, remaining: options.times ?? 1 });
  }

  /** The fault for an NTLM negotiate, if one is pending. */
  takeForHandshake(): InjectedFault | undefined {
    return this.take((rule) => rule.fault.kind === 'hang-ntlm-handshake');
  }

  /** The fault for a request to `operation`, if one is pending. */
  takeForRequest(operation: string): InjectedFault | undefined {
    return this.take(
      (rule) =>
        rule.fault.kind !== 'hang-ntlm-handshake' &&
        (rule.operation === undefined || rule.operation === operation),
    );
  }

  pending(): number {
    return this.rules.length;
  }

  clear(): void {
    this.rules = [];
  }

  private take(matches: (rule: Rule) => boolean): InjectedFault | undefined {
    const rule = this.rules.find(matches);
    if (rule === undefined) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules.splice(this.rules.indexOf(rule), 1);
    return rule.fault;
  }
}
