// The key of the acknowledgement links: ACK_SECRET when set, else one made once and kept in the
// database, so that every instance on one database signs and verifies alike.
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client.js";

export const ACK_SECRET_NAME = "ack_link_hmac";

/**
 * The first instance to insert wins (INSERT … ON CONFLICT DO NOTHING); everyone, the winner too,
 * then reads back the value that is stored, never the one it generated.
 */
export async function loadAckSecret(prisma: PrismaClient, fromEnv: string | undefined): Promise<string> {
  if (fromEnv) return fromEnv;
  await prisma.appSecret.createMany({
    data: [{ name: ACK_SECRET_NAME, value: randomBytes(32).toString("base64url") }],
    skipDuplicates: true,
  });
  const row = await prisma.appSecret.findUniqueOrThrow({ where: { name: ACK_SECRET_NAME } });
  return row.value;
}

/** Loads the secret on first use and keeps it; a failed load (database down) is tried again next time. */
export function cachedAckSecret(load: () => Promise<string>): () => Promise<string> {
  let pending: Promise<string> | null = null;
  return () => {
    pending ??= load().catch((err: unknown) => {
      pending = null;
      throw err;
    });
    return pending;
  };
}
