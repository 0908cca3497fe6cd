/**
 * What the fake reads from a request envelope: the operation (the first element inside soap:Body;
 * ews-javascript-api sends no SOAPAction header), the requested server version and the
 * ExchangeImpersonation header's ConnectingSID.
 */
import { child, childText, parseXml, type XmlElement } from './xml-node.js';

export type ConnectingSidKind = 'SmtpAddress' | 'PrimarySmtpAddress' | 'PrincipalName' | 'SID';

export interface ConnectingSid {
  readonly kind: ConnectingSidKind;
  readonly value: string;
}

export interface SoapRequest {
  readonly operation: string;
  readonly body: XmlElement;
  readonly requestServerVersion: string | undefined;
  readonly impersonation: ConnectingSid | undefined;
}

const SID_KINDS: readonly ConnectingSidKind[] = ['SmtpAddress', 'PrimarySmtpAddress', 'PrincipalName', 'SID'];

/** The request, or undefined when the body is not a SOAP envelope with an operation in it. */
export function parseSoapRequest(xml: string): SoapRequest | undefined {
  const envelope = parseXml(xml);
  if (envelope?.name !== 'Envelope') return undefined;
  const operation = child(envelope, 'Body')?.children[0];
  if (operation === undefined) return undefined;
  const header = child(envelope, 'Header');
  return {
    operation: operation.name,
    body: operation,
    requestServerVersion: child(header, 'RequestServerVersion')?.attributes.get('Version'),
    impersonation: connectingSid(child(child(header, 'ExchangeImpersonation'), 'ConnectingSID')),
  };
}

function connectingSid(element: XmlElement | undefined): ConnectingSid | undefined {
  for (const kind of SID_KINDS) {
    const value = childText(element, kind);
    if (value !== undefined) return { kind, value };
  }
  return undefined;
}
