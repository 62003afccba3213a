import * as tf from "@tensorflow/tfjs-core";

/**
 * Collects a model's trainable variables: `own(initial)` wraps a freshly
 * made tensor in a variable (disposing the tensor) and remembers it, so the
 * model can hand every variable to an optimizer and free them in one call.
 */
export function variableOwner(): { variables: tf.Variable[]; own: (initial: tf.Tensor) => tf.Variable } {
  const variables: tf.Variable[] = [];
  const own = (initial: tf.Tensor) => {
    const variable = tf.variable(initial, true);
    initial.dispose();
    variables.push(variable);
    return variable;
  };
  return { variables, own };
}
