// Names the unit page shows for codes: a program's short name, a milestone's title and deadline.
import { h } from "../../dom";
import { shortProgramName } from "../../format";
import type { UnitView } from "../../types";

export type Names = {
  /** A program's code, its name on hover. */
  program(code: string): HTMLElement;
  programName(code: string): string;
  title(milestoneId: string): string;
  deadline(milestoneId: string): string | undefined;
};

export function namesOf(data: UnitView): Names {
  const programName = new Map(data.programs.map((p) => [p.code, shortProgramName(p.name)]));
  const title = new Map(data.plan.milestones.map((m) => [m.id, m.title]));
  const deadline = new Map(data.plan.milestones.map((m) => [m.id, m.deadline]));
  return {
    program: (c) => h("abbr", { title: programName.get(c) ?? c }, c),
    programName: (c) => programName.get(c) ?? c,
    title: (id) => title.get(id) ?? id,
    deadline: (id) => deadline.get(id),
  };
}
