// What the first start prints (issue 16.9): `npm install` then `npm start` is enough to sign in.
// Like a notebook server's sign-in link, the new admin key is shown once on the terminal with the
// dashboard's address; only its hash is kept, so it can never be shown again.

/**
 * The dashboard's address: PUBLIC_BASE_URL when given, else the address the server listens on
 * (an unspecified one, 0.0.0.0 or ::, is reached on this machine at 127.0.0.1).
 */
export function dashboardUrl(listening: { address: string; port: number }, publicBaseUrl?: string): string {
  if (publicBaseUrl) return `${publicBaseUrl.replace(/\/+$/, "")}/`;
  const a = listening.address;
  const host = a === "0.0.0.0" || a === "::" ? "127.0.0.1" : a.includes(":") ? `[${a}]` : a;
  return `http://${host}:${listening.port}/`;
}

/** The block printed once on stdout: the address, the key, and that it is not shown again. */
export function firstSignInNotice(url: string, key: string): string {
  const rule = "=".repeat(72);
  return [
    rule,
    "No admin key existed, so one was created. It is shown only this once",
    "(only its hash is kept): copy it now. Sign in to the dashboard with it:",
    "",
    `    ${url}`,
    "",
    `    admin key: ${key}`,
    "",
    "The API takes it as `Authorization: Bearer <key>`. Lost, it cannot be shown",
    "again: start with ADMIN_API_KEY set to a secret of your own instead.",
    rule,
    "",
  ].join("\n");
}
