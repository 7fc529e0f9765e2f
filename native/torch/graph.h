// The network graph (see src/nn/graph/graph.ts) as the torch engine runs it: images are NCHW tensors in
// channels-last memory (NHWC bytes, oneDNN's fast format), conv weights [O, C/g, k, k] channels-last too.
#pragma once
#include <torch/torch.h>

#include <string>
#include <unordered_map>
#include <vector>

namespace nascent {

enum class Op {
  Input, Param, State, Conv2d, Dense, AddBatchless, Add, BatchNorm, LayerNorm, Activation, Pool,
  GlobalPool, Flatten, Dropout, ScaleChannels, ChannelShuffle, Concat, Patches, Attention, Zeros,
  Softmax, WeightedSum, Embedding, Reshape, SliceChannels
};

enum class Fn { Relu, Relu6, HSwish, HSigmoid, Gelu, Sigmoid };

struct Node {
  Op op = Op::Input;
  std::string opName;
  std::vector<int> inputs;
  std::string path;
  std::vector<int64_t> shape;  // without the batch axis, NHWC
  int64_t kernel = 1, stride = 1, dilation = 1, groups = 1, padding = 0, heads = 1, patch = 1, start = 0, count = 0;
  int64_t kvHeads = 0;       // attention: key/value heads (0: as many as query heads)
  int64_t headDim = 0;       // attention: per-head dimension (0: D / heads)
  bool causal = false;       // attention: position i attends to positions <= i
  bool transposed = false;   // dense: the weight is [O, D]
  double momentum = 0, epsilon = 0, rate = 0;
  bool maxPool = false;
  Fn fn = Fn::Relu;
  int slot = -1;                   // param / state index
  int meanSlot = -1, varSlot = -1;  // batch norm running statistics
  int lastUse = -1;                // index of the last node reading this value
};

Op parseOp(const std::string& name);
Fn parseFn(const std::string& name);

/** Canonical (nascent) layout <-> torch layout of a parameter. */
struct Layout {
  int64_t kernel = 0;  // > 0: a conv weight [k*k, C/g, O] held as [O, C/g, k, k]
  std::vector<int64_t> shape;  // canonical shape
};

torch::Tensor toTorchLayout(const torch::Tensor& canonical, const Layout& layout);
torch::Tensor toCanonicalLayout(const torch::Tensor& held, const Layout& layout);

struct RunResult {
  torch::Tensor output;  // in the engine's layout
  std::vector<std::pair<int, torch::Tensor>> stateUpdates;  // state slot -> new value
};

/** Runs the graph; throws std::runtime_error naming the node's layer path, op and input shapes. */
RunResult runGraph(const std::vector<Node>& nodes, int output, const torch::Tensor& input,
                   const std::vector<torch::Tensor>& params, const std::vector<torch::Tensor>& state,
                   bool training);

/** NHWC <-> engine layout for a batched value of `rank` batchless axes. */
torch::Tensor fromNhwc(const torch::Tensor& x);
torch::Tensor toNhwc(const torch::Tensor& x);

}  // namespace nascent
