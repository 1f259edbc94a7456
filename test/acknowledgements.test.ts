// Acknowledgement links end to end: a real alert run writes a unit head's missed notice with its
// link; the link's page reads, its form acknowledges once, and nothing else opens it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAckSecret } from "../src/acknowledgements/ack-secret.js";
import { signAckToken } from "../src/acknowledgements/ack-token.js";
import { createUnit, postAllocation, postDisbursement } from "./factories.js";
import { createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

const AS_OF = "2022-10-03"; // Monday after the 30/9 milestone: the missed notice goes out
const clock = fixedClock("2022-10-03T01:00:00Z"); // 08:00 in Vietnam
const FORM = { "content-type": "application/x-www-form-urlencoded" };
let t: TestApp;
let unit: { code: string; name: string; headEmail: string };
let token: string;
let headerMessageId: string;

const ackCount = () => t.db.prisma.alertAcknowledgement.count();
const page = (method: string, tok: string, body?: string, headers: Record<string, string> = FORM) =>
  t.request(method, `/ack/${tok}`, { key: null, ...(body !== undefined ? { body, headers } : {}) });
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

beforeAll(async () => {
  t = await createTestApp({ clock, kickSender: () => {} });
  unit = await createUnit(t);
  await postAllocation(t, { unitCode: unit.code });
  await postDisbursement(t, { unitCode: unit.code, amount: 100_000_000, reference: `KBNN-${unit.code}` });
  const run = await t.request("POST", `/api/v1/alerts/run?asOf=${AS_OF}`);
  expect(run.status, JSON.stringify(run.body)).toBe(200);
  const message = await t.db.prisma.outboxMessage.findFirstOrThrow({
    where: { kind: "unit", recipient: unit.headEmail },
  });
  headerMessageId = message.headerMessageId;
  const link = /http:\/\/127\.0\.0\.1:3000\/ack\/([A-Za-z0-9_-]+)/.exec(message.text);
  expect(link, message.text).not.toBeNull();
  token = link![1]!;
  expect(message.html).toContain(`href="${link![0]}"`);
  expect(message.text).toContain("có hiệu lực đến hết ngày 02/11/2022");
}, 60_000);
afterAll(() => t?.close());

describe("acknowledgement links", () => {
  it("a missed notice carries the link, and opening it (GET or HEAD, as mail scanners do) writes nothing", async () => {
    const res = await page("GET", token);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html; charset=utf-8/);
    const html = String(res.body);
    expect(html).toContain(unit.name);
    expect(html).toContain("Không đạt");
    expect(html).toContain('<form method="post"');
    expect(html).toContain("Đã nhận — kế hoạch khắc phục");
    expect(html).not.toMatch(/<script|\son\w+=/i);
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("style-src 'unsafe-inline'");
    expect(csp).not.toContain("script-src");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect((await page("HEAD", token)).status).toBe(200);
    expect(await ackCount()).toBe(0);
  });

  it("refuses forged, other-recipient, expired and malformed tokens, on GET and POST, writing nothing", async () => {
    const secret = await loadAckSecret(t.db.prisma, undefined);
    const bytes = Buffer.from(token, "base64url");
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
    const cases: [string, number, string][] = [
      [bytes.toString("base64url"), 403, "Đường dẫn không hợp lệ"],
      [
        signAckToken(secret, {
          headerMessageId,
          recipient: "other.head@example.org",
          expiresOn: "2022-11-02",
        }),
        403,
        "Đường dẫn không hợp lệ",
      ],
      [
        signAckToken("another-secret-of-at-least-32-chars!", {
          headerMessageId,
          recipient: unit.headEmail,
          expiresOn: "2022-11-02",
        }),
        403,
        "Đường dẫn không hợp lệ",
      ],
      [
        signAckToken(secret, { headerMessageId, recipient: unit.headEmail, expiresOn: "2022-10-02" }),
        410,
        "Đường dẫn đã hết hạn",
      ],
      ["not-a-token", 400, "Đường dẫn không hợp lệ"],
    ];
    for (const [tok, status, title] of cases) {
      const get = await page("GET", tok);
      expect(get.status, tok).toBe(status);
      expect(String(get.body)).toContain(title);
      expect(String(get.body)).not.toContain("<form");
      const post = await page("POST", tok, form({ plannedAction: "x" }));
      expect(post.status, tok).toBe(status);
      const json = await page("POST", tok, JSON.stringify({}), { "content-type": "application/json" });
      expect(json.status, tok).toBe(status);
      expect(json.body).toMatchObject({ issues: [], requestId: expect.any(String) });
    }
    // Over the router's 100 characters the route does not match at all (the dashboard's fallback answers).
    const long = await page("POST", "A".repeat(300), form({}));
    expect(long.status).toBe(414);
    expect(String((await page("GET", "A".repeat(300))).body)).not.toContain('<form method="post"');
    expect(await ackCount()).toBe(0);
  });

  it("answers a wrong field with the page naming it in Vietnamese, or with the usual error body", async () => {
    const early = await page("POST", token, form({ plannedAction: "Rà soát", plannedOn: "2022-09-01" }));
    expect(early.status).toBe(400);
    expect(String(early.body)).toContain("Ngày dự kiến hoàn thành: không được trước ngày hôm nay.");
    expect(String(early.body)).toContain(">Rà soát</textarea>"); // what was typed is kept
    const long = await page("POST", token, form({ plannedAction: "á".repeat(1001) }));
    expect(long.status).toBe(400);
    expect(String(long.body)).toContain("Kế hoạch khắc phục: nội dung không hợp lệ hoặc dài quá 1000 ký tự.");
    const notADate = await page("POST", token, form({ plannedOn: "31/10/2022" }));
    expect(String(notADate.body)).toContain("Ngày dự kiến hoàn thành: không phải ngày hợp lệ");
    const json = await page("POST", token, JSON.stringify({ plannedOn: "2022-02-30" }), {
      "content-type": "application/json",
    });
    expect(json.status).toBe(400);
    expect(json.body).toMatchObject({ error: "validation_failed", issues: [{ path: "body.plannedOn" }] });
    const extra = await page("POST", token, form({ plannedAction: "x", role: "admin" }));
    expect(extra.status).toBe(400);
    // Controls that would garble or disguise the plan in the admins' e-mails (an ANSI escape, a
    // right-to-left override) are refused; the line breaks a textarea sends are not.
    for (const plannedAction of ["Rà soát\u001b[31m", "đã \u202eđạt", "a\u0007b"]) {
      const ctrl = await page("POST", token, JSON.stringify({ plannedAction }), {
        "content-type": "application/json",
      });
      expect(ctrl.status, plannedAction).toBe(400);
      expect(ctrl.body).toMatchObject({ issues: [{ path: "body.plannedAction", rule: "well_formed" }] });
      const ctrlForm = await page("POST", token, form({ plannedAction }));
      expect(ctrlForm.status).toBe(400);
      expect(String(ctrlForm.body)).toContain("Kế hoạch khắc phục: nội dung không hợp lệ");
    }
    expect(await ackCount()).toBe(0);
  });

  it("records the acknowledgement with its plan once; a second POST shows the first and writes nothing", async () => {
    const first = await page(
      "POST",
      token,
      form({ plannedAction: "  Điều chuyển vốn <dự án chậm> sang dự án khác  ", plannedOn: "2022-10-31" }),
    );
    expect(first.status).toBe(201);
    const html = String(first.body);
    expect(html).toContain("Xác nhận đã được ghi nhận");
    expect(html).toContain("Kế hoạch khắc phục: Điều chuyển vốn &lt;dự án chậm&gt; sang dự án khác");
    expect(html).toContain("Dự kiến hoàn thành: ngày 31/10/2022.");
    const rows = await t.db.prisma.alertAcknowledgement.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      recipient: unit.headEmail.toLowerCase(),
      plannedAction: "Điều chuyển vốn <dự án chậm> sang dự án khác",
      plannedOn: new Date("2022-10-31T00:00:00Z"),
      acknowledgedOn: new Date("2022-10-03T00:00:00Z"),
    });

    const again = await page("POST", token, JSON.stringify({ plannedAction: "khác" }), {
      "content-type": "application/json",
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      created: false,
      acknowledgement: { on: "2022-10-03", plannedAction: "Điều chuyển vốn <dự án chậm> sang dự án khác" },
    });
    const againForm = await page("POST", token, form({}));
    expect(againForm.status).toBe(200);
    expect(String(againForm.body)).toContain("đã được xác nhận trước đó");
    expect(await ackCount()).toBe(1);

    const reopened = String((await page("GET", token)).body);
    expect(reopened).toContain("Thông báo đã được xác nhận lúc 08:00 ngày 03/10/2022.");
    expect(reopened).not.toContain("<form");
  });

  it("shows the acknowledgement in the alert ledger, for the recipient's rows only, and on the unit page", async () => {
    const res = await t.request("GET", `/api/v1/alerts?unit=${unit.code}`);
    expect(res.status).toBe(200);
    type Row = { stage: string; recipient: string; outcome: string; acknowledgement: unknown };
    const items = (res.body as { items: Row[] }).items;
    // The head's rows sent in the acknowledged message; stale reminders were recorded as skipped.
    const mine = items.filter(
      (i) => i.recipient.toLowerCase() === unit.headEmail.toLowerCase() && i.outcome === "queued",
    );
    expect(mine.map((i) => i.stage)).toContain("missed");
    expect(mine.length).toBeGreaterThan(0);
    for (const i of mine)
      expect(i.acknowledgement).toEqual({
        at: "2022-10-03T01:00:00.000Z",
        on: "2022-10-03",
        plannedAction: "Điều chuyển vốn <dự án chậm> sang dự án khác",
        plannedOn: "2022-10-31",
      });
    for (const i of items.filter((x) => !mine.includes(x))) expect(i.acknowledgement).toBeNull();

    const view = await t.request("GET", `/api/v1/dashboard/units/${unit.code}?asOf=${AS_OF}`);
    expect(view.status, JSON.stringify(view.body)).toBe(200);
    expect((view.body as { acknowledgements: unknown[] }).acknowledgements).toEqual([
      expect.objectContaining({
        on: "2022-10-03",
        recipient: unit.headEmail.toLowerCase(),
        plannedOn: "2022-10-31",
        alerts: expect.arrayContaining([expect.objectContaining({ milestoneId: "M60", stage: "missed" })]),
      }),
    ]);
    const before = await t.request("GET", `/api/v1/dashboard/units/${unit.code}?asOf=2022-10-02`);
    expect((before.body as { acknowledgements: unknown[] }).acknowledgements).toEqual([]);
  });
});
