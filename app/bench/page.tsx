import type { Metadata } from "next";
import { BenchRunner } from "./BenchRunner";

export const metadata: Metadata = { title: "Training benchmark" };

/** Used by `npm run bench:train`; also usable by hand: /bench?backend=webgl&steps=5 */
export default function BenchPage() {
  return (
    <>
      <h1>Training-step benchmark</h1>
      <p className="lede">Times the default encoder&apos;s SimCLR training step on one TensorFlow.js backend, in a Web Worker.</p>
      <BenchRunner />
    </>
  );
}
