import type { SweepFindings } from "@/lib/analysis/findings";

const COMMON: Record<string, string> = { "not-distinguishable": "not distinguishable", "not-enough-data": "not enough data" };

/**
 * The checks beside the comparison table: each names a direction only when
 * its interval excludes "no effect" (lib/analysis/findings.ts).
 */
interface Item {
  id: string;
  title: string;
  verdict: string;
  labels: Record<string, string>;
  sentence: string;
}

export function FindingsList({ findings }: { findings: SweepFindings }) {
  const items: Item[] = [
    {
      id: "inverted-u",
      title: "Inverted U (no inflation)",
      verdict: findings.invertedU?.verdict ?? "not-enough-data",
      labels: { yes: "yes", no: "no" },
      sentence: findings.invertedU?.sentence ?? "No trials yet.",
    },
    {
      id: "adainf-vs-vanilla",
      title: "AdaInf vs vanilla inflation",
      verdict: findings.adainfVsVanilla.verdict,
      labels: { better: "AdaInf better", worse: "vanilla better" },
      sentence: findings.adainfVsVanilla.sentence,
    },
    {
      id: "vanilla-vs-none",
      title: "Vanilla inflation vs none",
      verdict: findings.vanillaVsNone.verdict,
      labels: { better: "helps", worse: "hurts" },
      sentence: findings.vanillaVsNone.sentence,
    },
  ];
  return (
    <ul className="findings-list" data-testid="findings">
      {items.map((item) => {
        const good = item.verdict === "yes" || item.verdict === "better";
        const bad = item.verdict === "no" || item.verdict === "worse";
        return (
          <li key={item.id} data-testid={`finding-${item.id}`}>
            <strong>{item.title}:</strong>{" "}
            <span className={`verdict${good ? " verdict-good" : bad ? " verdict-bad" : ""}`}>
              {item.labels[item.verdict] ?? COMMON[item.verdict]}
            </span>
            <span className="muted small"> — {item.sentence}</span>
          </li>
        );
      })}
    </ul>
  );
}
