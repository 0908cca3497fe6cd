/**
 * The NTLM message builders @ewsjs/xhr's own NTLM provider uses. The package ships no types, and
 * its CommonJS exports are an object literal Node's ESM loader cannot name: import its default.
 */
declare module '@ewsjs/ntlm-client' {
  /** The decoded challenge, only ever handed back to createType3Message. */
  export type Type2Message = object;
  const ntlm: {
    /** `NTLM <base64>` of a type 1 (negotiate) message. */
    createType1Message(workstation: string, target: string): string;
    /** Reads the server's `WWW-Authenticate: NTLM <base64>` challenge; throws when there is none. */
    decodeType2Message(header: string): Type2Message;
    /** `NTLM <base64>` of the type 3 (authenticate) message answering the challenge. */
    createType3Message(
      type2: Type2Message,
      username: string,
      password: string,
      workstation: string,
      target: string,
    ): string;
  };
  export default ntlm;
}
