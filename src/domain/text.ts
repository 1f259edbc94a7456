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

// Controls a person never types into a form: C0 and C1 but tab and line breaks, and the bidi
// embeddings, overrides and isolates that make an e-mail show other words than it holds.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const NOT_TYPED = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Text a person typed: storable, and free of controls that would garble or disguise it where shown. */
export function isTypedText(s: string): boolean {
  return isStorableText(s) && !NOT_TYPED.test(s);
}
