export { datasetUrlFor } from "@/lib/datasets/refs";
