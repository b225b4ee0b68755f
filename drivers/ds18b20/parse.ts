import { DriverError } from '../errors.ts';
import { MAX_MILLI_C, MAX_W1_SLAVE_CHARS, MIN_MILLI_C, POWER_ON_RESET_MILLI_C } from './constants.ts';

const HEX_BYTES = '(?:[0-9a-f]{2} ){9}';
const LINE1 = new RegExp(`^${HEX_BYTES}: crc=([0-9a-f]{2}) (YES|NO)$`);
const LINE2 = new RegExp(`^${HEX_BYTES}t=(-?\\d{1,7})$`);

/**
 * Parses the two-line `w1_slave` text of w1_therm:
 *   `6c 01 55 00 7f ff 0c 10 16 : crc=16 YES`
 *   `6c 01 55 00 7f ff 0c 10 16 t=22750`
 * Total: returns milli-°C or throws DriverError (BAD_FRAME, CHECKSUM for `NO`, POWER_ON_VALUE,
 * OUT_OF_RANGE). Never reads past MAX_W1_SLAVE_CHARS.
 */
export function parseW1Slave(text: string): number {
  if (text.length > MAX_W1_SLAVE_CHARS) throw new DriverError('BAD_FRAME', `w1_slave: ${text.length} characters is too long`);
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length !== 2) throw new DriverError('BAD_FRAME', `w1_slave: expected 2 lines, got ${lines.length}`);
  const m1 = LINE1.exec(lines[0] ?? '');
  if (m1 === null) throw new DriverError('BAD_FRAME', 'w1_slave: first line is not "<9 bytes> : crc=XX YES|NO"');
  if (m1[2] !== 'YES') throw new DriverError('CHECKSUM', 'w1_slave: the kernel reported a CRC mismatch (NO)');
  const m2 = LINE2.exec(lines[1] ?? '');
  if (m2 === null) throw new DriverError('BAD_FRAME', 'w1_slave: second line is not "<9 bytes> t=N"');
  const milli = Number(m2[1]);
  if (milli === POWER_ON_RESET_MILLI_C) throw new DriverError('POWER_ON_VALUE', 'w1_slave: 85 °C power-on reset value, no conversion took place');
  if (milli < MIN_MILLI_C || milli > MAX_MILLI_C) throw new DriverError('OUT_OF_RANGE', `w1_slave: ${milli} m°C is outside −55..125 °C`);
  return milli;
}
