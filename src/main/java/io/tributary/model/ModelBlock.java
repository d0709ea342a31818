package io.tributary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Base of the policy's blocks. Shapes are fixed at construction, so parameters are created with
 * their shapes and initialised from a seeded host generator (identical on CPU and GPU); DJL's shape
 * inference is not needed. Blocks expose typed forward methods; {@link #forwardInternal} is
 * implemented only where a single-input call makes sense.
 */
abstract class ModelBlock extends AbstractBlock {

  /** How a parameter starts: normal, normal scaled for residual outputs, ones, or zeros. */
  enum Init {
    NORMAL,
    NORMAL_RESIDUAL,
    ONES,
    ZEROS
  }

  private record Spec(Init init, Shape shape) {}

  private final Map<Parameter, Spec> specs = new LinkedHashMap<>();
  private final Map<Parameter, LowRankAdapter> adapters = new IdentityHashMap<>();

  protected final Parameter parameter(String name, Init init, boolean trainable, long... shape) {
    Parameter p =
        Parameter.builder()
            .setName(name)
            .setType(init == Init.ONES ? Parameter.Type.GAMMA : Parameter.Type.WEIGHT)
            .optRequiresGrad(trainable)
            .build();
    specs.put(p, new Spec(init, new Shape(shape))); // DJL's setArray refuses a preset shape
    return addParameter(p);
  }

  /**
   * Fills this block's parameters and its children's, in declaration order, from {@code rng}; with
   * {@code rng} null every parameter starts at zero, for a loader that overwrites them all (drawing
   * hundreds of millions of normals first would only cost time).
   */
  final void initializeFrom(Random rng, NDManager manager, double std, int layers) {
    initializeFrom(rng, manager, std, layers, DataType.FLOAT32);
  }

  /**
   * As above, with the parameters that {@link #storesInPrecision} names stored in {@code
   * projections} (float16 for an inference policy, see {@link Precision}) and all others in
   * float32.
   */
  final void initializeFrom(
      Random rng, NDManager manager, double std, int layers, DataType projections) {
    double residualStd = std / Math.sqrt(2.0 * layers); // GPT-2 scaling of residual projections
    for (Map.Entry<Parameter, Spec> e : specs.entrySet()) {
      Parameter p = e.getKey();
      Shape shape = e.getValue().shape();
      DataType type = storesInPrecision(p) ? projections : DataType.FLOAT32;
      NDArray array;
      if (rng == null) {
        array = manager.zeros(shape, type);
      } else {
        int size = (int) shape.size();
        float[] values = new float[size];
        switch (e.getValue().init()) {
          case NORMAL -> fillNormal(values, rng, std);
          case NORMAL_RESIDUAL -> fillNormal(values, rng, residualStd);
          case ONES -> java.util.Arrays.fill(values, 1f);
          case ZEROS -> {}
        }
        array = manager.create(values, shape);
        if (type != DataType.FLOAT32) {
          NDArray stored = array.toType(type, false);
          array.close();
          array = stored;
        }
      }
      array.setName(p.getName());
      if (p.requiresGradient()) {
        array.setRequiresGradient(true);
      }
      p.setArray(array);
    }
    for (Block child : getChildren().values()) {
      ((ModelBlock) child).initializeFrom(rng, manager, std, layers, projections);
    }
  }

  /**
   * x W^T (+ bias), plus the low-rank update of W's adapter when one is attached: every projection
   * that LoRA may adapt goes through here, so adapters reach the full, cached and training forwards
   * alike.
   */
  protected final NDArray linear(NDArray x, Parameter weight, Parameter bias) {
    NDArray y = storedLinear(x, weight.getArray(), bias == null ? null : bias.getArray());
    LowRankAdapter adapter = adapters.get(weight);
    return adapter == null ? y : adapter.addTo(y, x);
  }

  /**
   * The same for one row x in Java (a decode step's product, see {@link DecodeProduct#vector}),
   * with the adapter's update where one acts.
   */
  protected final float[] linear(float[] x, Parameter weight, Parameter bias) {
    return linear(x, new Parameter[] {weight}, new Parameter[] {bias})[0];
  }

  /** The same for several weights that read the same x, as one job for the kernel's threads. */
  protected final float[][] linear(float[] x, Parameter[] weights, Parameter[] biases) {
    NDArray[] w = new NDArray[weights.length];
    NDArray[] b = new NDArray[weights.length];
    for (int i = 0; i < weights.length; i++) {
      w[i] = weights[i].getArray();
      b[i] = biases[i] == null ? null : biases[i].getArray();
    }
    float[][] y = DecodeProduct.vectors(x, w, b);
    for (int i = 0; i < weights.length; i++) {
      LowRankAdapter adapter = adapters.get(weights[i]);
      if (adapter != null) {
        y[i] = adapter.addTo(y[i], x);
      }
    }
    return y;
  }

  /**
   * Rows up to which a float16 weight is multiplied in float16. libtorch's float16 product is a
   * matrix-vector kernel: at one row it streams the weight far faster than the float32 product, but
   * its arithmetic rate does not grow with the rows, so beyond a few (prefill, a large decode
   * batch) widening the weight for the float32 product is faster (docs/decode-bandwidth.md, section
   * 4).
   */
  static final long HALF_PRODUCT_MAX_ROWS = 8;

  /**
   * x W^T (+ b) for a weight stored in any dtype, returned in x's dtype. A float16 weight
   * multiplies a float16 copy of x when x has at most {@link #HALF_PRODUCT_MAX_ROWS} rows (decode),
   * and is widened to x's dtype otherwise (prefill, scoring).
   */
  static NDArray storedLinear(NDArray x, NDArray weight, NDArray bias) {
    DataType stored = weight.getDataType();
    DataType wanted = x.getDataType();
    if (stored == wanted) {
      return linear(x, weight, bias);
    }
    long rows = x.getShape().size() / x.getShape().get(x.getShape().dimension() - 1);
    if (rows > HALF_PRODUCT_MAX_ROWS) {
      try (NDArray wide = weight.toType(wanted, false);
          NDArray wideBias = bias == null ? null : bias.toType(wanted, false)) {
        return linear(x, wide, wideBias);
      }
    }
    NDArray y = linear(x.toType(stored, false), weight, bias);
    return y.toType(wanted, false);
  }

  private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
    NDArray decode = DecodeProduct.linear(x, weight, bias);
    if (decode != null) {
      return decode;
    }
    return (bias == null ? Linear.linear(x, weight) : Linear.linear(x, weight, bias))
        .singletonOrThrow();
  }

  /**
   * Whether {@code p} is one of the matrices a decode step streams (and its bias), stored in the
   * policy's {@link Precision}; norms, routers and everything else stay float32.
   */
  protected boolean storesInPrecision(Parameter p) {
    return false;
  }

  /** Whether {@code weight} has an adapter and the adapters act. */
  protected final boolean adapted(Parameter weight) {
    LowRankAdapter adapter = adapters.get(weight);
    return adapter != null && adapter.active();
  }

  /** Puts {@code adapter} on this block's parameter {@code weightName}, as child lora_NAME. */
  final void attachAdapter(String weightName, LowRankAdapter adapter) {
    Parameter weight = getDirectParameters().get(weightName);
    if (weight == null || adapters.containsKey(weight)) {
      throw new IllegalStateException(
          getClass().getSimpleName() + ": no free projection named " + weightName);
    }
    adapters.put(weight, addChildBlock("lora_" + weightName, adapter));
  }

  private static void fillNormal(float[] values, Random rng, double std) {
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (rng.nextGaussian() * std);
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " takes typed inputs; call its forward method");
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }
}
