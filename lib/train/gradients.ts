/**
 * tfjs-core alone registers no gradient functions (the @tensorflow/tfjs
 * umbrella package does it, and it is not installed here). Every engine module
 * that differentiates imports this side effect so it works in a worker, in
 * Node tests and in the CLI whatever the caller imported.
 */
import "@tensorflow/tfjs-core/dist/register_all_gradients";
