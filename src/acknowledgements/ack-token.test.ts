import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  checkAckToken,
  MAX_ACK_TOKEN_CHARS,
  parseAckToken,
  signAckToken,
  verifyAckToken,
} from "./ack-token.js";

const SECRET = "s".repeat(32);
const ID = "<alert.0123456789abcdef0123456789abcdef@disbursement-monitor.invalid>";
const TO = "head.tg@example.org";
const payload = { headerMessageId: ID, recipient: TO, expiresOn: "2022-10-31" };
const token = signAckToken(SECRET, payload);

/** The token's bytes with one changed, spelled canonically again. */
function flipByte(t: string, index: number): string {
  const b = Buffer.from(t, "base64url");
  b[index] = b[index]! ^ 0x01;
  return b.toString("base64url");
}

describe("acknowledgement tokens", () => {
  it("round-trips, fits a URL path segment of 100 characters, and is valid to the end of its expiry date", () => {
    expect(token.length).toBeLessThanOrEqual(100);
    expect(parseAckToken(token)).toMatchObject({ headerMessageId: ID, expiresOn: "2022-10-31" });
    expect(verifyAckToken(SECRET, token, TO, "2022-10-01")).toBe("valid");
    expect(verifyAckToken(SECRET, token, TO, "2022-10-31")).toBe("valid");
    expect(verifyAckToken(SECRET, token, TO, "2022-11-01")).toBe("expired");
  });

  it("binds the recipient whatever its case, and refuses another recipient", () => {
    expect(verifyAckToken(SECRET, token, "Head.TG@Example.org", "2022-10-01")).toBe("valid");
    expect(verifyAckToken(SECRET, token, "other.head@example.org", "2022-10-01")).toBe("forged");
  });

  it("refuses a token signed with another secret", () => {
    expect(verifyAckToken("t".repeat(32), token, TO, "2022-10-01")).toBe("forged");
  });

  it("refuses a tampered expiry or Message-ID, even though the token still parses", () => {
    // byte 3: the expiry's last byte; byte 10: inside the Message-ID; the last byte: the MAC.
    for (const index of [3, 10, Buffer.from(token, "base64url").length - 1]) {
      const tampered = flipByte(token, index);
      expect(parseAckToken(tampered), `byte ${index}`).not.toBeNull();
      expect(verifyAckToken(SECRET, tampered, TO, "2022-10-01"), `byte ${index}`).toBe("forged");
    }
  });

  it("calls an expired forgery forged: only a real token says it expired", () => {
    const late = flipByte(token, 3); // the expiry moved by a day, the MAC unchanged
    expect(verifyAckToken(SECRET, late, TO, "2023-06-01")).toBe("forged");
  });

  it("refuses truncated, oversized, non-base64 and non-canonical input before any HMAC", () => {
    for (const bad of [
      "",
      token.slice(0, -1),
      token.slice(0, 20),
      token + "A".repeat(MAX_ACK_TOKEN_CHARS),
      `${token.slice(0, 10)}+/${token.slice(12)}`,
      `${token.slice(0, 10)}%20${token.slice(10)}`,
      `${token}=`,
      "x".repeat(MAX_ACK_TOKEN_CHARS + 1),
      "….",
    ]) {
      expect(parseAckToken(bad), JSON.stringify(bad)).toBeNull();
      expect(verifyAckToken(SECRET, bad, TO, "2022-10-01")).toBe("malformed");
    }
    // 53 bytes end on a character with two spare bits: setting one spells the same bytes anew.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const alias = token.slice(0, -1) + alphabet[alphabet.indexOf(token.at(-1)!) ^ 1];
    expect(Buffer.from(alias, "base64url").equals(Buffer.from(token, "base64url"))).toBe(true);
    expect(parseAckToken(alias)).toBeNull();
  });

  it("refuses another version, and a MAC of the wrong length", () => {
    const b = Buffer.from(token, "base64url");
    b[0] = 2;
    expect(parseAckToken(b.toString("base64url"))).toBeNull();
    const parsed = parseAckToken(token)!;
    expect(checkAckToken(SECRET, { ...parsed, mac: parsed.mac.subarray(0, 16) }, TO, "2022-10-01")).toBe(
      "forged",
    );
  });

  it("carries any other Message-ID whole", () => {
    const other = { ...payload, headerMessageId: "<digest.1@example.org>" };
    const t = signAckToken(SECRET, other);
    expect(parseAckToken(t)?.headerMessageId).toBe(other.headerMessageId);
    expect(verifyAckToken(SECRET, t, TO, "2022-10-01")).toBe("valid");
  });

  it("is an HMAC-SHA256 over the Message-ID, the lowercased recipient and the expiry", () => {
    const mac = createHmac("sha256", SECRET).update(`ack.v1\n${ID}\n${TO}\n2022-10-31`).digest();
    expect(parseAckToken(token)?.mac.equals(mac)).toBe(true);
  });
});
