// Debian's Chromium as every browser test launches it, and where their screenshots go.
import { existsSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const SHOTS = path.resolve(import.meta.dirname, "../../test-output/screenshots");
// As in toolchain.md: no background traffic, which this machine's closed network refuses.
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  // Vietnamese, as the users' browsers are: the date picker shows dd/mm/yyyy.
  "--lang=vi-VN",
];

/** False (and says so) where Chromium is not installed: the browser tests are skipped there. */
export function chromiumPresent(what: string): boolean {
  const present = existsSync(CHROMIUM);
  if (!present)
    console.warn(
      `SKIPPED ${what}: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it).`,
    );
  return present;
}

export const launchChromium = () =>
  chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    env: { ...process.env, LANGUAGE: "vi", LANG: "vi_VN.UTF-8" },
  });
