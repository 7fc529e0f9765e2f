// A compiled network: the graph, its parameters and running statistics as torch tensors, and the
// optimizer state; forward, backward and the update run in C++, one call per training step.
#pragma once
#include "graph.h"

namespace nascent {

struct OptimizerSpec {
  std::string name = "sgd";
  double momentum = 0.9, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 0;
  bool nesterov = true;
};

struct Named {
  std::string name;
  Layout layout;
  bool decays = false;  // weight decay applies (2+ axes in the canonical layout)
};

enum class LossKind { CrossEntropy, Dot };

class CompiledModel {
 public:
  CompiledModel(std::vector<Node> nodes, int output, std::vector<int64_t> input, std::vector<int64_t> outputShape,
                std::vector<Named> paramInfo, std::vector<Named> stateInfo, OptimizerSpec optimizer);

  void setParam(size_t i, const float* data);
  void setState(size_t i, const float* data);
  torch::Tensor param(size_t i) const { return toCanonicalLayout(params_[i].detach(), paramInfo_[i].layout); }
  torch::Tensor state(size_t i) const { return toCanonicalLayout(state_[i], stateInfo_[i].layout); }
  const std::vector<Named>& paramInfo() const { return paramInfo_; }
  const std::vector<Named>& stateInfo() const { return stateInfo_; }

  /** One optimizer step on a batch (NHWC floats, count images); returns the mean cross-entropy. */
  double trainStep(const float* x, int64_t count, const int32_t* labels, double learningRate);
  /** Network output for a batch, NHWC, [count, ...outputShape]. */
  torch::Tensor forward(const float* x, int64_t count, bool training);
  /** Loss and its gradients (canonical layout), without changing weights or state. */
  struct Gradients {
    double value;
    std::vector<torch::Tensor> params;
    torch::Tensor input;
  };
  Gradients valueAndGrad(const float* x, int64_t count, LossKind kind, const void* target, bool training, bool wrtInput);
  void release();

 private:
  torch::Tensor inputTensor(const float* x, int64_t count) const;
  torch::Tensor loss(const torch::Tensor& output, int64_t count, LossKind kind, const void* target) const;
  void update(const std::vector<torch::Tensor>& grads, double learningRate);

  std::vector<Node> nodes_;
  int output_;
  std::vector<int64_t> input_, outputShape_;
  std::vector<Named> paramInfo_, stateInfo_;
  std::vector<torch::Tensor> params_, state_;
  OptimizerSpec optimizer_;
  std::vector<torch::Tensor> slots1_, slots2_;  // momentum, or Adam's m and v
  int64_t steps_ = 0;
};

}  // namespace nascent
