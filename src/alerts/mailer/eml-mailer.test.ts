import { describe, expect, it } from "vitest";
import { MailError } from "../alert.types.js";
import { emlFileName } from "./eml-mailer.js";

describe("emlFileName", () => {
  it("names the file after the Message-ID, safely", () => {
    expect(emlFileName("<alert-42.1@disbursement-monitor.local>")).toBe(
      "alert-42.1@disbursement-monitor.local.eml",
    );
    expect(emlFileName("<../../etc/passwd>")).toBe("_.._etc_passwd.eml");
    expect(emlFileName("a b/c\\d:e")).toBe("a_b_c_d_e.eml");
  });

  it("refuses an empty Message-ID", () => {
    expect(() => emlFileName("<>")).toThrow(MailError);
  });
});
