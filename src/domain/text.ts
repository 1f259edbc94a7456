// Text PostgreSQL can keep. A text column refuses NUL; jsonb (plans, audit details, alert
// snapshots) also refuses unpaired UTF-16 surrogates, which JSON can carry ("\ud800") but
// UTF-8 cannot. Refused at the door with a 400 naming the field, never a 500 at the insert.

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function hasUnpairedSurrogate(s: string): boolean {
  return UNPAIRED_SURROGATE.test(s);
}

export function isStorableText(s: string): boolean {
  return !s.includes("\u0000") && !hasUnpairedSurrogate(s);
}
