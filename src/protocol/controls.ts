/**
 * The controls of an LDAPMessage (RFC 4511 section 4.1.11). Every control is kept with its
 * criticality and raw value, known or not: whether an unknown critical control means
 * unavailableCriticalExtension (12) is the server's decision, not the codec's.
 */
import type { Control } from './messages.js';
import { BerTag, type BerReader } from './ber-reader.js';
import type { BerWriter } from './ber-writer.js';

/** `controls [0] Controls` in the LDAPMessage envelope. */
export const CONTROLS_TAG = 0xa0;

/** Decodes the content of `controls [0]`. */
export function decodeControls(reader: BerReader): Control[] {
  const controls: Control[] = [];
  while (reader.hasMore()) controls.push(decodeControl(reader.readSequence('control')));
  return controls;
}

function decodeControl(reader: BerReader): Control {
  const oid = reader.readString('controlType');
  // criticality is DEFAULT FALSE and controlValue OPTIONAL: each is there only if its tag is.
  const critical = reader.peekTag() === BerTag.boolean && reader.readBoolean('criticality');
  const value = reader.peekTag() === BerTag.octetString ? reader.readOctetString('controlValue') : undefined;
  return value === undefined ? { oid, critical } : { oid, critical, value };
}

/** Writes `controls [0]` unless there are none (an empty SEQUENCE is legal but nobody sends it). */
export function writeControls(writer: BerWriter, controls: readonly Control[] | undefined): void {
  if (controls === undefined || controls.length === 0) return;
  writer.startSequence(CONTROLS_TAG);
  for (const control of controls) {
    writer.startSequence();
    writer.writeString(control.oid);
    if (control.critical) writer.writeBoolean(true);
    if (control.value !== undefined) writer.writeOctetString(control.value);
    writer.endSequence();
  }
  writer.endSequence();
}
