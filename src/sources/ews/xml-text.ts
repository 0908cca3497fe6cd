/**
 * Text put into an EWS request, escaped for XML. ews-javascript-api 0.15.3 writes element values
 * and attribute values into its SOAP text as they are (EwsServiceXmlWriter.WriteValue and
 * WriteAttributeString escape nothing), so a name from an LDAP search such as `</m:UnresolvedEntry>`
 * would change the request. Every value from outside (a search, the config) goes through this
 * before it reaches the library; ids and sync states Exchange issued are base64 and need nothing.
 */
/** Characters XML 1.0 cannot carry at all: dropped rather than sent for Exchange to refuse. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function xmlText(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"']/g, (character) => ENTITIES[character]!);
}
