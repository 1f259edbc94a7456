import pino, { type Logger } from "pino";

/** JSON logs; pretty only on a terminal. API keys never reach a log line. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ["req.headers.authorization", "headers.authorization", "*.key", "key"],
      censor: "[redacted]",
    },
    ...(process.stdout.isTTY
      ? { transport: { target: "pino-pretty", options: { translateTime: "SYS:standard" } } }
      : {}),
  });
}
