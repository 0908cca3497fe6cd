/**
 * The HTTP answers for injected faults. SOAP faults and in-response errors are Exchange's shapes;
 * the HTML page is IIS's stock 500 page; the text and empty 500s are what a broken proxy or a crashed
 * worker gives, the shape ews-javascript-api cannot handle unwrapped (CLOUD-APIS §3.5).
 */
import { responseEnvelope, type ServerVersion } from '../soap/envelope.js';
import { ewsErrors, type EwsError } from '../soap/ews-errors.js';
import { soapFault } from '../soap/fault.js';
import { errorMessage, operationResponse } from '../soap/response-message.js';
import type { InjectedFault } from './fault-injector.js';

export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

const XML = 'text/xml; charset=utf-8';

const IIS_500_PAGE =
  '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\r\n' +
  '<html xmlns="http://www.w3.org/1999/xhtml">\r\n<head>\r\n' +
  '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/>\r\n' +
  '<title>500 - Internal server error.</title>\r\n</head>\r\n<body>\r\n' +
  '<div id="header"><h1>Server Error</h1></div>\r\n<div id="content">\r\n <div class="content-container"><fieldset>\r\n' +
  '  <h2>500 - Internal server error.</h2>\r\n' +
  '  <h3>There is a problem with the resource you are looking for, and it cannot be displayed.</h3>\r\n' +
  ' </fieldset></div>\r\n</div>\r\n</body>\r\n</html>\r\n';

/** The answer for a fault that replaces the response (hang and delay are the caller's to act on). */
export function faultAnswer(
  fault: InjectedFault,
  operation: string,
  version: ServerVersion,
): HttpAnswer | undefined {
  switch (fault.kind) {
    case 'server-busy':
      return ewsError(ewsErrors.serverBusy(fault.backOffMilliseconds), fault.in, operation, version);
    case 'exceeded-connection-count':
      return ewsError(ewsErrors.exceededConnectionCount(), fault.in, operation, version);
    case 'html-500':
      return { status: 500, contentType: 'text/html', body: IIS_500_PAGE };
    case 'text-500':
      return { status: 500, contentType: fault.contentType ?? 'text/plain', body: fault.body ?? '' };
    case 'unavailable-503':
      return { status: 503, contentType: undefined, body: '' };
    default:
      return undefined;
  }
}

function ewsError(
  error: EwsError,
  where: 'fault' | 'response' | undefined,
  operation: string,
  version: ServerVersion,
): HttpAnswer {
  if (where === 'response') {
    return {
      status: 200,
      contentType: XML,
      body: responseEnvelope(operationResponse(operation, [errorMessage(operation, error)]), version),
    };
  }
  return { status: 500, contentType: XML, body: soapFault(error) };
}
