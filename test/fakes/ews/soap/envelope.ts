/**
 * The response envelope, written byte for byte as the captured responses are (fixtures/*.response.xml):
 * an XML declaration, a line break, then the envelope on one line, with the ServerVersionInfo header
 * and the xsi/xsd declarations on s:Body exactly where Exchange puts them.
 */
export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  types: 'http://schemas.microsoft.com/exchange/services/2006/types',
  messages: 'http://schemas.microsoft.com/exchange/services/2006/messages',
  errors: 'http://schemas.microsoft.com/exchange/services/2006/errors',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xsd: 'http://www.w3.org/2001/XMLSchema',
} as const;

export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n';

/** What `ServerVersionInfo` reports; the library keeps it in `svc.ServerInfo`. */
export interface ServerVersion {
  readonly majorVersion: number;
  readonly minorVersion: number;
  readonly majorBuildNumber: number;
  readonly minorBuildNumber: number;
  readonly version: string;
}

/** Exchange 2016 CU23, the server the fixtures were shaped after. */
export const DEFAULT_SERVER_VERSION: ServerVersion = {
  majorVersion: 15,
  minorVersion: 1,
  majorBuildNumber: 2507,
  minorBuildNumber: 6,
  version: 'V2017_07_11',
};

export function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;');
}

/** `<prefix:name>text</prefix:name>`, or nothing when there is no value (Exchange omits empty properties). */
export function textElement(qualifiedName: string, value: string | undefined): string {
  if (value === undefined || value === '') return '';
  return `<${qualifiedName}>${escapeText(value)}</${qualifiedName}>`;
}

function serverVersionHeader(version: ServerVersion): string {
  return (
    `<s:Header><h:ServerVersionInfo MajorVersion="${version.majorVersion}" MinorVersion="${version.minorVersion}"` +
    ` MajorBuildNumber="${version.majorBuildNumber}" MinorBuildNumber="${version.minorBuildNumber}"` +
    ` Version="${escapeAttribute(version.version)}" xmlns:h="${NS.types}" xmlns="${NS.types}"` +
    ` xmlns:xsd="${NS.xsd}" xmlns:xsi="${NS.xsi}"/></s:Header>`
  );
}

/** A complete successful (HTTP 200) response around one operation's response element. */
export function responseEnvelope(body: string, version: ServerVersion): string {
  return (
    `${XML_DECLARATION}<s:Envelope xmlns:s="${NS.soap}">${serverVersionHeader(version)}` +
    `<s:Body xmlns:xsi="${NS.xsi}" xmlns:xsd="${NS.xsd}">${body}</s:Body></s:Envelope>`
  );
}
