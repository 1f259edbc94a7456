import { describe, expect, it } from "vitest";
import { dashboardUrl, firstSignInNotice } from "./first-sign-in.js";

describe("the first start's sign-in notice", () => {
  it("names the address the server listens on, or PUBLIC_BASE_URL", () => {
    expect(dashboardUrl({ address: "127.0.0.1", port: 3000 })).toBe("http://127.0.0.1:3000/");
    expect(dashboardUrl({ address: "0.0.0.0", port: 8080 })).toBe("http://127.0.0.1:8080/");
    expect(dashboardUrl({ address: "::", port: 8080 })).toBe("http://127.0.0.1:8080/");
    expect(dashboardUrl({ address: "::1", port: 3000 })).toBe("http://[::1]:3000/");
    expect(dashboardUrl({ address: "0.0.0.0", port: 3000 }, "https://giamsat.example.vn")).toBe(
      "https://giamsat.example.vn/",
    );
  });

  it("shows the address and the key, each on a line of its own", () => {
    const text = firstSignInNotice("http://127.0.0.1:3000/", "dm_abc_secret");
    expect(text).toMatch(/^ {4}http:\/\/127\.0\.0\.1:3000\/$/m);
    expect(text).toMatch(/^ {4}admin key: dm_abc_secret$/m);
    expect(text).toContain("shown only this once");
  });
});
