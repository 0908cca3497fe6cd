/** The part of js-md4 (which ships no types) the NTLM check uses: the pure-JS hash, never node:crypto's md4. */
declare module 'js-md4' {
  interface Md4 {
    update(message: Uint8Array | ArrayBuffer | string): Md4;
    arrayBuffer(): ArrayBuffer;
  }
  interface Md4Module {
    create(): Md4;
  }
  const md4: Md4Module;
  export default md4;
}
