/**
 * Checks an NTLMv2 response (MS-NLMP 3.3.2) the way a domain controller does:
 *   NTOWFv2 = HMAC-MD5(MD4(UTF-16LE(password)), UTF-16LE(UPPER(user) + domain))
 *   NTProofStr = HMAC-MD5(NTOWFv2, serverChallenge + blob), the first 16 bytes of the response.
 * MD4 comes from js-md4's own implementation: Node 17+ on OpenSSL 3 has none.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import md4 from 'js-md4';

const NT_PROOF_LENGTH = 16;
/** An NTLMv1 response is exactly 24 bytes; anything this short cannot carry a v2 blob. */
const MIN_V2_RESPONSE_LENGTH = 25;

export function verifyNtlmV2(
  ntResponse: Buffer,
  serverChallenge: Buffer,
  user: string,
  domain: string,
  password: string,
): boolean {
  if (ntResponse.length < MIN_V2_RESPONSE_LENGTH) return false;
  const ntHash = Buffer.from(md4.create().update(Buffer.from(password, 'utf16le')).arrayBuffer());
  const ntowfV2 = hmacMd5(ntHash, Buffer.from(user.toUpperCase() + domain, 'utf16le'));
  const blob = ntResponse.subarray(NT_PROOF_LENGTH);
  const expected = hmacMd5(ntowfV2, Buffer.concat([serverChallenge, blob]));
  return timingSafeEqual(expected, ntResponse.subarray(0, NT_PROOF_LENGTH));
}

function hmacMd5(key: Buffer, data: Buffer): Buffer {
  return createHmac('md5', key).update(data).digest();
}
