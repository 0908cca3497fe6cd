/**
 * A hit held as bytes (SearchHit.writeAttributes) as the encoder takes it: its attributes are
 * written into the entry being encoded, in the caller's names, without being made first (an
 * export's decode, selection and re-encoding of every value were half of its time).
 */
import type { SearchHit } from '../directory/directory.js';
import type { AttributeSource, AttributeWriter } from '../protocol/messages.js';
import type { PresentedView } from '../view/presented-view.js';

export class HitAttributes implements AttributeSource {
  constructor(
    private readonly hit: SearchHit,
    private readonly view: PresentedView | undefined,
  ) {}

  writeTo(writer: AttributeWriter): void {
    this.hit.writeAttributes!(writer, this.view);
  }
}
