/** Where a worker fetches the images of a dataset reference. */
export function datasetUrlFor(ref: string): string {
  if (ref === "builtin:mnist") return "/datasets/mnist-10k.bin";
  throw new Error(`dataset ${ref} cannot be fetched by this version of the worker`);
}
