/**
 * Response messages inside an operation's response element: `Success` with `NoError`, `Warning`
 * and `Error` with MessageText, ResponseCode, DescriptiveLinkKey (always 0) and MessageXml, in
 * that order, as the fixtures and Microsoft's samples show them.
 */
import { escapeText, NS } from './envelope.js';
import type { EwsError } from './ews-errors.js';

export function successMessage(operation: string, content: string): string {
  return `<m:${operation}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>${content}</m:${operation}ResponseMessage>`;
}

export function errorMessage(operation: string, error: EwsError, content = ''): string {
  return problemMessage(operation, 'Error', error, content);
}

export function warningMessage(operation: string, error: EwsError, content: string): string {
  return problemMessage(operation, 'Warning', error, content);
}

function problemMessage(
  operation: string,
  responseClass: 'Error' | 'Warning',
  error: EwsError,
  content: string,
): string {
  const messageXml = error.messageXml === undefined ? '' : `<m:MessageXml>${error.messageXml}</m:MessageXml>`;
  return (
    `<m:${operation}ResponseMessage ResponseClass="${responseClass}">` +
    `<m:MessageText>${escapeText(error.message)}</m:MessageText><m:ResponseCode>${error.code}</m:ResponseCode>` +
    `<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>${messageXml}${content}</m:${operation}ResponseMessage>`
  );
}

/** `<m:{operation}Response>` around its response messages, with the namespaces declared there. */
export function operationResponse(operation: string, messages: readonly string[]): string {
  return (
    `<m:${operation}Response xmlns:m="${NS.messages}" xmlns:t="${NS.types}">` +
    `<m:ResponseMessages>${messages.join('')}</m:ResponseMessages></m:${operation}Response>`
  );
}
