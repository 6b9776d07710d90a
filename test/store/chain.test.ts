import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, chainHash, GENESIS_HASH } from "../../src/store/chain.js";

describe("canonicalJson", () => {
  it("sorts keys at every level, drops undefined members and writes no whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: "x" }, u: undefined })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it("follows JSON.stringify for leaves (non-finite numbers become null, undefined in arrays becomes null)", () => {
    expect(canonicalJson([NaN, Infinity, undefined, -0, 1e21, "é\n"])).toBe('[null,null,null,0,1e+21,"é\\n"]');
  });

  it("gives one text per value: key order of the input never matters, and parsing it back is lossless", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });
});

describe("chainHash", () => {
  it("is SHA-256 over prev ‖ newline ‖ body", () => {
    expect(chainHash(GENESIS_HASH, "{}")).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(GENESIS_HASH, "{}")).not.toBe(chainHash("1".repeat(64), "{}"));
  });
});
