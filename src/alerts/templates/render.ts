import type { AlertMessage, RenderedMessage } from "../alert.types.js";
import { renderAdmin } from "./admin.template.js";
import { renderDigest } from "./digest.template.js";
import { renderEscalation } from "./escalation.template.js";
import { renderUnitAlert } from "./unit-alert.template.js";

export { renderAdmin } from "./admin.template.js";
export { renderDigest } from "./digest.template.js";
export { renderEscalation } from "./escalation.template.js";
export { escapeHtml } from "./html.js";
export { renderUnitAlert } from "./unit-alert.template.js";

/** The one entry point for previews and real sends alike. */
export function renderMessage(m: AlertMessage): RenderedMessage {
  switch (m.kind) {
    case "unit":
      return renderUnitAlert(m);
    case "escalation":
      return renderEscalation(m);
    case "digest":
      return renderDigest(m);
    case "admin":
      return renderAdmin(m);
    default: {
      const unknown: never = m;
      throw new Error(`Unknown message kind: ${JSON.stringify((unknown as { kind?: unknown }).kind)}`);
    }
  }
}
