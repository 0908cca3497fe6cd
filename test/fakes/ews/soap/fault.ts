/**
 * A SOAP fault, the HTTP 500 body Exchange sends for errors raised before or around an operation
 * (throttling, impersonation, schema validation). Shape as fixtures/fault-serverbusy.response.xml:
 * no header, the faultcode qualified with the types namespace, the detail in the errors namespace.
 */
import { escapeText, NS, XML_DECLARATION } from './envelope.js';
import type { EwsError } from './ews-errors.js';

export function soapFault(error: EwsError): string {
  const faultString = error.faultString ?? error.message;
  const messageXml =
    error.messageXml === undefined
      ? ''
      : `<t:MessageXml xmlns:t="${NS.types}">${error.messageXml}</t:MessageXml>`;
  return (
    `${XML_DECLARATION}<s:Envelope xmlns:s="${NS.soap}"><s:Body><s:Fault>` +
    `<faultcode xmlns:a="${NS.types}">a:${error.code}</faultcode>` +
    `<faultstring xml:lang="en-US">${escapeText(faultString)}</faultstring>` +
    `<detail><e:ResponseCode xmlns:e="${NS.errors}">${error.code}</e:ResponseCode>` +
    `<e:Message xmlns:e="${NS.errors}">${escapeText(error.message)}</e:Message>${messageXml}</detail>` +
    `</s:Fault></s:Body></s:Envelope>`
  );
}
