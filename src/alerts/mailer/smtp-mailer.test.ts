import { describe, expect, it } from "vitest";
import { MailError } from "../alert.types.js";
import { classifySmtpError, toMailError } from "./smtp-mailer.js";

function smtpError(code: string, response?: string, extra: object = {}) {
  const responseCode = response ? Number(response.slice(0, 3)) : undefined;
  return Object.assign(new Error(`failed${response ? `: ${response}` : ""}`), {
    code,
    ...(response ? { response, responseCode } : {}),
    ...extra,
  });
}

describe("classifySmtpError", () => {
  it.each([
    ["451 RCPT", smtpError("EENVELOPE", "451 4.3.0 Try again later"), 451],
    ["452 DATA", smtpError("EMESSAGE", "452 4.3.1 Insufficient system storage"), 452],
    ["421 closing", smtpError("ECONNECTION", "421 4.3.2 Service shutting down"), 421],
    ["5.4.4 routing", smtpError("EENVELOPE", "550 5.4.4 Unable to route"), 550],
    ["5.4.7 expired", smtpError("EMESSAGE", "554 5.4.7 Delivery time expired"), 554],
    ["503 bad sequence", smtpError("EPROTOCOL", "503 5.5.1 Bad sequence of commands"), 503],
    ["535 auth", smtpError("EAUTH", "535 5.7.8 Authentication failed"), 535],
  ])("temporary: %s", (_name, err, responseCode) => {
    expect(classifySmtpError(err)).toEqual({ temporary: true, responseCode });
  });

  it.each([
    ["refused", smtpError("ESOCKET", undefined, { originalCode: "ECONNREFUSED" })],
    ["reset", smtpError("ESOCKET", undefined, { originalCode: "ECONNRESET" })],
    ["connect timeout", smtpError("ETIMEDOUT", undefined, { timeoutType: "CONNECT_TIMEOUT" })],
    ["dropped", smtpError("ECONNECTION")],
    ["DNS", smtpError("EDNS", undefined, { originalCode: "ENOTFOUND" })],
    ["raw ECONNREFUSED", Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })],
    ["raw EAI_AGAIN", Object.assign(new Error("getaddrinfo EAI_AGAIN"), { code: "EAI_AGAIN" })],
    ["TLS", smtpError("ETLS")],
    ["no credentials", smtpError("ENOAUTH")],
    ["bare timeout", new Error("Connection timeout")],
  ])("temporary without a reply code: %s", (_name, err) => {
    expect(classifySmtpError(err)).toEqual({ temporary: true });
  });

  it.each([
    ["550 user unknown", smtpError("EENVELOPE", "550 5.1.1 User unknown"), 550],
    ["553 mailbox name", smtpError("EENVELOPE", "553 5.1.3 Bad recipient address syntax"), 553],
    ["554 rejected", smtpError("EMESSAGE", "554 5.7.1 Message rejected as spam"), 554],
    ["552 too big", smtpError("EMESSAGE", "552 5.3.4 Message size exceeds limit"), 552],
    ["5xx without enhanced code", smtpError("EENVELOPE", "550 Mailbox unavailable"), 550],
  ])("permanent: %s", (_name, err, responseCode) => {
    expect(classifySmtpError(err)).toEqual({ temporary: false, responseCode });
  });

  it.each([
    ["no recipients", smtpError("EENVELOPE")],
    ["empty message", smtpError("EMESSAGE")],
    ["unknown error", new TypeError("x is not a function")],
    ["not an error", "boom"],
    ["null", null],
  ])("permanent when rejected before sending or unknown: %s", (_name, err) => {
    expect(classifySmtpError(err)).toEqual({ temporary: false });
  });

  it("wraps into MailError with the codes in the message", () => {
    const e = toMailError(smtpError("ESOCKET", undefined, { originalCode: "ECONNREFUSED" }));
    expect(e).toBeInstanceOf(MailError);
    expect(e.temporary).toBe(true);
    expect(e.responseCode).toBeUndefined();
    expect(e.message).toContain("[ESOCKET/ECONNREFUSED]");
    const p = toMailError(smtpError("EENVELOPE", "550 5.1.1 User unknown"));
    expect([p.temporary, p.responseCode]).toEqual([false, 550]);
    expect(toMailError(p)).toBe(p);
  });
});
