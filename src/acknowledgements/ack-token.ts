// The signed token of an acknowledgement link. Pure: the secret and today come in as values.
//
// The MAC covers the message's header Message-ID, its recipient (lowercased) and the expiry date;
// the token carries only the Message-ID and the expiry, and the recipient is the one the message
// was sent to. The token sits in the URL path, where Fastify refuses parameters over 100
// characters, so the alert ledger's Message-ID (`<alert.<32 hex>@disbursement-monitor.invalid>`)
// travels as its 16 bytes; any other Message-ID travels whole (a longer token).
import { createHmac, timingSafeEqual } from "node:crypto";
import { fromDayNumber, type LocalDate, toDayNumber } from "../domain/local-date.js";

export type AckTokenPayload = { headerMessageId: string; recipient: string; expiresOn: LocalDate };

/** What a token carries in the clear; the recipient is looked up, then checked by the MAC. */
export type ParsedAckToken = { headerMessageId: string; expiresOn: LocalDate; mac: Buffer };

export type AckTokenCheck = "valid" | "forged" | "expired";

/** Longer input is refused before it is decoded: nothing we sign comes near it. */
export const MAX_ACK_TOKEN_CHARS = 256;

const VERSION = 1;
const MAC_BYTES = 32;
const TAG_ALERT = 1;
const TAG_RAW = 0;
const ALERT_ID = /^<alert\.([0-9a-f]{32})@disbursement-monitor\.invalid>$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
// version, expiry (3 bytes: day numbers up to 16,777,215, past the year 9999), tag.
const HEAD_BYTES = 5;
const LAST_DAY = toDayNumber("9999-12-31");

function macOf(secret: string, p: AckTokenPayload): Buffer {
  return createHmac("sha256", secret)
    .update(`ack.v${VERSION}\n${p.headerMessageId}\n${p.recipient.toLowerCase()}\n${p.expiresOn}`)
    .digest();
}

function encodeMessageId(id: string): Buffer {
  const m = ALERT_ID.exec(id);
  if (m?.[1]) return Buffer.concat([Buffer.of(TAG_ALERT), Buffer.from(m[1], "hex")]);
  return Buffer.concat([Buffer.of(TAG_RAW), Buffer.from(id, "utf8")]);
}

function decodeMessageId(tag: number, bytes: Buffer): string | null {
  if (tag === TAG_ALERT)
    return bytes.length === 16 ? `<alert.${bytes.toString("hex")}@disbursement-monitor.invalid>` : null;
  if (tag !== TAG_RAW || bytes.length === 0) return null;
  const id = bytes.toString("utf8");
  // Only what encodeMessageId could have written: valid UTF-8 that did not fit the compact form.
  return Buffer.from(id, "utf8").equals(bytes) && !ALERT_ID.test(id) ? id : null;
}

export function signAckToken(secret: string, p: AckTokenPayload): string {
  const day = toDayNumber(p.expiresOn);
  if (day < 0 || day > LAST_DAY) throw new RangeError(`expiry out of range: ${p.expiresOn}`);
  const head = Buffer.of(VERSION, (day >> 16) & 0xff, (day >> 8) & 0xff, day & 0xff);
  return Buffer.concat([head, encodeMessageId(p.headerMessageId), macOf(secret, p)]).toString("base64url");
}

/** The token's clear part, or null for anything we cannot have written (checked before any HMAC). */
export function parseAckToken(token: string): ParsedAckToken | null {
  if (token.length === 0 || token.length > MAX_ACK_TOKEN_CHARS || !BASE64URL.test(token)) return null;
  const bytes = Buffer.from(token, "base64url");
  // Canonical only: one spelling per token, so no two URLs acknowledge as one.
  if (bytes.toString("base64url") !== token) return null;
  if (bytes.length < HEAD_BYTES + MAC_BYTES + 1 || bytes[0] !== VERSION) return null;
  const day = (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!;
  if (day > LAST_DAY) return null;
  const expiresOn = fromDayNumber(day);
  const headerMessageId = decodeMessageId(bytes[4]!, bytes.subarray(HEAD_BYTES, bytes.length - MAC_BYTES));
  if (headerMessageId === null) return null;
  return { headerMessageId, expiresOn, mac: bytes.subarray(bytes.length - MAC_BYTES) };
}

/**
 * Whether the token was signed with this secret for this recipient, and is still valid today (the
 * link works to the end of its expiry date). The MAC is checked first, so an expired forgery is
 * "forged", and a token says "expired" only to whoever holds a real one.
 */
export function checkAckToken(
  secret: string,
  t: ParsedAckToken,
  recipient: string,
  today: LocalDate,
): AckTokenCheck {
  const expected = macOf(secret, { headerMessageId: t.headerMessageId, recipient, expiresOn: t.expiresOn });
  if (t.mac.length !== expected.length || !timingSafeEqual(t.mac, expected)) return "forged";
  return today > t.expiresOn ? "expired" : "valid";
}

/** parse, then check against the recipient: "malformed" when the token is not one we write. */
export function verifyAckToken(
  secret: string,
  token: string,
  recipient: string,
  today: LocalDate,
): AckTokenCheck | "malformed" {
  const t = parseAckToken(token);
  return t ? checkAckToken(secret, t, recipient, today) : "malformed";
}
