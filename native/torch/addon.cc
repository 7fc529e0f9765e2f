// N-API surface of the torch engine (src/nn/engine/torch/): one Model object per compiled network.
// Every entry point turns C++ exceptions into JavaScript errors, so libtorch never aborts Node.
#include <napi.h>

#include <cstdlib>
#include <memory>

#include "model.h"

namespace {

using nascent::CompiledModel;

std::string str(const Napi::Object& o, const char* key, const std::string& fallback = "") {
  auto v = o.Get(key);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : fallback;
}

double num(const Napi::Object& o, const char* key, double fallback) {
  auto v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : fallback;
}

std::vector<int64_t> shapeOf(const Napi::Value& value) {
  std::vector<int64_t> shape;
  auto array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); i++) shape.push_back(array.Get(i).As<Napi::Number>().Int64Value());
  return shape;
}

template <typename T>
const T* dataOf(const Napi::Value& value, size_t expected, const char* what) {
  auto array = value.As<Napi::TypedArrayOf<T>>();
  if (array.ElementLength() != expected)
    throw std::runtime_error(std::string(what) + ": expected " + std::to_string(expected) + " values, got " + std::to_string(array.ElementLength()));
  return array.Data();
}

int64_t product(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (auto s : shape) n *= s;
  return n;
}

Napi::Float32Array toFloat32Array(Napi::Env env, const torch::Tensor& tensor) {
  auto contiguous = tensor.contiguous();
  auto out = Napi::Float32Array::New(env, contiguous.numel());
  std::memcpy(out.Data(), contiguous.data_ptr<float>(), contiguous.numel() * sizeof(float));
  return out;
}

class Model : public Napi::ObjectWrap<Model> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Model",
                       {InstanceMethod("trainStep", &Model::TrainStep), InstanceMethod("forward", &Model::Forward),
                        InstanceMethod("valueAndGrad", &Model::ValueAndGrad), InstanceMethod("getWeights", &Model::GetWeights),
                        InstanceMethod("setWeights", &Model::SetWeights), InstanceMethod("dispose", &Model::Dispose)});
  }

  // new Model(graph, optimizer): graph as src/nn/graph/graph.ts's Graph, with `decays` per param.
  explicit Model(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Model>(info) {
    guard(info.Env(), [&] {
      auto graph = info[0].As<Napi::Object>();
      auto options = info[1].As<Napi::Object>();
      std::vector<nascent::Named> params, state;
      std::unordered_map<std::string, int> paramSlot, stateSlot;
      auto readInfos = [&](const char* key, std::vector<nascent::Named>& out, std::unordered_map<std::string, int>& slots) {
        auto array = graph.Get(key).As<Napi::Array>();
        for (uint32_t i = 0; i < array.Length(); i++) {
          auto p = array.Get(i).As<Napi::Object>();
          nascent::Named named{str(p, "name"), {0, shapeOf(p.Get("shape"))}, p.Get("shape").As<Napi::Array>().Length() >= 2};
          slots[named.name] = static_cast<int>(out.size());
          out.push_back(named);
        }
      };
      readInfos("params", params, paramSlot);
      readInfos("state", state, stateSlot);
      auto array = graph.Get("nodes").As<Napi::Array>();
      std::vector<nascent::Node> nodes(array.Length());
      for (uint32_t i = 0; i < array.Length(); i++) {
        auto o = array.Get(i).As<Napi::Object>();
        auto& n = nodes[i];
        n.opName = str(o, "op");
        n.op = nascent::parseOp(n.opName);
        n.path = str(o, "path");
        n.shape = shapeOf(o.Get("shape"));
        for (auto k : shapeOf(o.Get("inputs"))) n.inputs.push_back(static_cast<int>(k));
        n.kernel = static_cast<int64_t>(num(o, "kernel", 1));
        n.stride = static_cast<int64_t>(num(o, "stride", 1));
        n.dilation = static_cast<int64_t>(num(o, "dilation", 1));
        n.groups = static_cast<int64_t>(num(o, "groups", 1));
        n.padding = static_cast<int64_t>(num(o, "padding", 0));
        n.heads = static_cast<int64_t>(num(o, "heads", 1));
        n.patch = static_cast<int64_t>(num(o, "patch", 1));
        n.kvHeads = static_cast<int64_t>(num(o, "kvHeads", 0));
        n.headDim = static_cast<int64_t>(num(o, "headDim", 0));
        n.causal = o.Get("causal").ToBoolean();
        n.transposed = o.Get("transposed").ToBoolean();
        n.start = static_cast<int64_t>(num(o, "start", 0));
        n.count = static_cast<int64_t>(num(o, "count", 0));
        n.momentum = num(o, "momentum", 0);
        n.epsilon = num(o, "epsilon", 0);
        n.rate = num(o, "rate", 0);
        n.maxPool = str(o, "mode") == "max";
        if (n.op == nascent::Op::Activation) n.fn = nascent::parseFn(str(o, "fn"));
        if (n.op == nascent::Op::Param) n.slot = paramSlot.at(str(o, "name"));
        if (n.op == nascent::Op::State) n.slot = stateSlot.at(str(o, "name"));
        if (n.op == nascent::Op::BatchNorm) {
          n.meanSlot = stateSlot.at(str(o, "mean"));
          n.varSlot = stateSlot.at(str(o, "variance"));
        }
        for (int k : n.inputs) nodes[k].lastUse = static_cast<int>(i);
        // Conv weights are held as torch wants them: [O, C/g, k, k].
        if (n.op == nascent::Op::Conv2d) params[nodes[n.inputs[1]].slot].layout.kernel = n.kernel;
      }
      nascent::OptimizerSpec optimizer;
      optimizer.name = str(options, "name", "sgd");
      optimizer.momentum = num(options, "momentum", 0.9);
      optimizer.nesterov = options.Get("nesterov").ToBoolean();
      optimizer.weightDecay = num(options, "weightDecay", 0);
      optimizer.beta1 = num(options, "beta1", 0.9);
      optimizer.beta2 = num(options, "beta2", 0.999);
      optimizer.epsilon = num(options, "epsilon", 1e-8);
      if (options.Get("seed").IsNumber()) torch::manual_seed(static_cast<uint64_t>(num(options, "seed", 0)));
      outputShape_ = shapeOf(graph.Get("nodes").As<Napi::Array>().Get(graph.Get("output").As<Napi::Number>().Uint32Value()).As<Napi::Object>().Get("shape"));
      inputSize_ = product(shapeOf(graph.Get("input")));
      model_ = std::make_unique<CompiledModel>(std::move(nodes), graph.Get("output").As<Napi::Number>().Int32Value(), shapeOf(graph.Get("input")),
                                               outputShape_, std::move(params), std::move(state), optimizer);
      return info.Env().Undefined();
    });
  }

 private:
  template <typename F>
  Napi::Value guard(Napi::Env env, F body) {
    try {
      return body();
    } catch (const c10::Error& error) {
      Napi::Error::New(env, error.what_without_backtrace()).ThrowAsJavaScriptException();
    } catch (const std::exception& error) {
      Napi::Error::New(env, error.what()).ThrowAsJavaScriptException();
    }
    return env.Undefined();
  }

  // Cross-entropy labels per input: one per row of the output's last (class) axis (1 for [classes], T for [T, V]).
  int64_t labelRows() const { return outputShape_.empty() ? 1 : product(outputShape_) / outputShape_.back(); }

  CompiledModel& model() {
    if (!model_) throw std::runtime_error("this model was disposed");
    return *model_;
  }

  // trainStep(x: Float32Array, count, labels: Int32Array, learningRate) -> loss
  Napi::Value TrainStep(const Napi::CallbackInfo& info) {
    return guard(info.Env(), [&]() -> Napi::Value {
      const int64_t count = info[1].As<Napi::Number>().Int64Value();
      const float* x = dataOf<float>(info[0], count * inputSize_, "input batch");
      const int32_t* labels = dataOf<int32_t>(info[2], count * labelRows(), "labels");
      return Napi::Number::New(info.Env(), model().trainStep(x, count, labels, info[3].As<Napi::Number>().DoubleValue()));
    });
  }

  // forward(x, count, training) -> Float32Array (NHWC)
  Napi::Value Forward(const Napi::CallbackInfo& info) {
    return guard(info.Env(), [&]() -> Napi::Value {
      const int64_t count = info[1].As<Napi::Number>().Int64Value();
      const float* x = dataOf<float>(info[0], count * inputSize_, "input batch");
      return toFloat32Array(info.Env(), model().forward(x, count, info[2].ToBoolean()));
    });
  }

  // valueAndGrad(x, count, "crossEntropy" | "dot", target, training, wrtInput) -> { value, grads: Float32Array[], input? }
  Napi::Value ValueAndGrad(const Napi::CallbackInfo& info) {
    return guard(info.Env(), [&]() -> Napi::Value {
      const int64_t count = info[1].As<Napi::Number>().Int64Value();
      const float* x = dataOf<float>(info[0], count * inputSize_, "input batch");
      const bool crossEntropy = info[2].As<Napi::String>().Utf8Value() == "crossEntropy";
      const void* target = crossEntropy ? static_cast<const void*>(dataOf<int32_t>(info[3], count * labelRows(), "labels"))
                                        : static_cast<const void*>(dataOf<float>(info[3], count * product(outputShape_), "cotangent"));
      auto result = model().valueAndGrad(x, count, crossEntropy ? nascent::LossKind::CrossEntropy : nascent::LossKind::Dot, target,
                                         info[4].ToBoolean(), info[5].ToBoolean());
      auto out = Napi::Object::New(info.Env());
      out.Set("value", result.value);
      auto grads = Napi::Array::New(info.Env(), result.params.size());
      for (size_t i = 0; i < result.params.size(); i++) grads.Set(static_cast<uint32_t>(i), toFloat32Array(info.Env(), result.params[i]));
      out.Set("grads", grads);
      if (result.input.defined()) out.Set("input", toFloat32Array(info.Env(), result.input));
      return out;
    });
  }

  // getWeights() -> { params: Float32Array[], state: Float32Array[] } in the graph's order, canonical layout
  Napi::Value GetWeights(const Napi::CallbackInfo& info) {
    return guard(info.Env(), [&]() -> Napi::Value {
      auto& m = model();
      auto out = Napi::Object::New(info.Env());
      auto params = Napi::Array::New(info.Env(), m.paramInfo().size());
      for (size_t i = 0; i < m.paramInfo().size(); i++) params.Set(static_cast<uint32_t>(i), toFloat32Array(info.Env(), m.param(i)));
      auto state = Napi::Array::New(info.Env(), m.stateInfo().size());
      for (size_t i = 0; i < m.stateInfo().size(); i++) state.Set(static_cast<uint32_t>(i), toFloat32Array(info.Env(), m.state(i)));
      out.Set("params", params);
      out.Set("state", state);
      return out;
    });
  }

  // setWeights(params: Float32Array[], state: Float32Array[])
  Napi::Value SetWeights(const Napi::CallbackInfo& info) {
    return guard(info.Env(), [&]() -> Napi::Value {
      auto& m = model();
      auto params = info[0].As<Napi::Array>();
      auto state = info[1].As<Napi::Array>();
      for (size_t i = 0; i < m.paramInfo().size(); i++)
        m.setParam(i, dataOf<float>(params.Get(static_cast<uint32_t>(i)), product(m.paramInfo()[i].layout.shape), m.paramInfo()[i].name.c_str()));
      for (size_t i = 0; i < m.stateInfo().size(); i++)
        m.setState(i, dataOf<float>(state.Get(static_cast<uint32_t>(i)), product(m.stateInfo()[i].layout.shape), m.stateInfo()[i].name.c_str()));
      return info.Env().Undefined();
    });
  }

  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    model_.reset();
    return info.Env().Undefined();
  }

  std::unique_ptr<CompiledModel> model_;
  std::vector<int64_t> outputShape_;
  int64_t inputSize_ = 0;
};

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  at::set_num_threads(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

Napi::Value Threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), at::get_num_threads()); }

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Subnormal floats cost ~100x per op on x86; trained weights and BN-normalised activations produce them
  // (the NB201 step is 5.5x slower in PyTorch without this). PyTorch's reference run sets the same flag.
  at::globalContext().setFlushDenormal(true);
  exports.Set("Model", Model::Define(env));
  exports.Set("version", Napi::String::New(env, TORCH_VERSION));
  exports.Set("parallelInfo", Napi::String::New(env, at::get_parallel_info()));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("threads", Napi::Function::New(env, Threads));
  return exports;
}

}  // namespace

NODE_API_MODULE(nascent_torch, Init)
