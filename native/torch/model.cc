#include "model.h"

#include <cmath>

namespace nascent {

CompiledModel::CompiledModel(std::vector<Node> nodes, int output, std::vector<int64_t> input, std::vector<int64_t> outputShape,
                             std::vector<Named> paramInfo, std::vector<Named> stateInfo, OptimizerSpec optimizer)
    : nodes_(std::move(nodes)), output_(output), input_(std::move(input)), outputShape_(std::move(outputShape)),
      paramInfo_(std::move(paramInfo)), stateInfo_(std::move(stateInfo)), optimizer_(std::move(optimizer)) {
  for (const auto& info : paramInfo_) {
    auto held = toTorchLayout(torch::zeros(info.layout.shape), info.layout);
    params_.push_back(held.requires_grad_(true));
    slots1_.push_back(torch::zeros_like(held));
    slots2_.push_back(optimizer_.name == "adam" ? torch::zeros_like(held) : torch::Tensor());
  }
  for (const auto& info : stateInfo_) state_.push_back(torch::zeros(info.layout.shape));
}

void CompiledModel::setParam(size_t i, const float* data) {
  torch::NoGradGuard noGrad;
  auto canonical = torch::from_blob(const_cast<float*>(data), paramInfo_[i].layout.shape, torch::kFloat32);
  params_[i].copy_(toTorchLayout(canonical, paramInfo_[i].layout));
}

void CompiledModel::setState(size_t i, const float* data) {
  state_[i].copy_(torch::from_blob(const_cast<float*>(data), stateInfo_[i].layout.shape, torch::kFloat32));
}

torch::Tensor CompiledModel::inputTensor(const float* x, int64_t count) const {
  std::vector<int64_t> shape{count};
  shape.insert(shape.end(), input_.begin(), input_.end());
  return fromNhwc(torch::from_blob(const_cast<float*>(x), shape, torch::kFloat32)).clone();
}

torch::Tensor CompiledModel::loss(const torch::Tensor& output, int64_t count, LossKind kind, const void* target) const {
  if (kind == LossKind::CrossEntropy) {
    // One label per row of the class axis (the last in NHWC): [N, V] classifiers, [N, T, V] language models.
    auto rows = toNhwc(output);
    rows = rows.reshape({-1, rows.size(-1)});
    auto labels = torch::from_blob(const_cast<void*>(target), {rows.size(0)}, torch::kInt32).to(torch::kLong);
    return torch::cross_entropy_loss(rows, labels);
  }
  std::vector<int64_t> shape{count};
  shape.insert(shape.end(), outputShape_.begin(), outputShape_.end());
  auto cotangent = fromNhwc(torch::from_blob(const_cast<void*>(target), shape, torch::kFloat32));
  return (output * cotangent).sum();
}

double CompiledModel::trainStep(const float* x, int64_t count, const int32_t* labels, double learningRate) {
  auto run = runGraph(nodes_, output_, inputTensor(x, count), params_, state_, true);
  auto value = loss(run.output, count, LossKind::CrossEntropy, labels);
  auto grads = torch::autograd::grad({value}, params_, {}, false, false, true);
  torch::NoGradGuard noGrad;
  for (auto& [slot, tensor] : run.stateUpdates) state_[slot] = tensor;
  update(grads, learningRate);
  return value.item<double>();
}

torch::Tensor CompiledModel::forward(const float* x, int64_t count, bool training) {
  torch::NoGradGuard noGrad;
  auto run = runGraph(nodes_, output_, inputTensor(x, count), params_, state_, training);
  return toNhwc(run.output);
}

CompiledModel::Gradients CompiledModel::valueAndGrad(const float* x, int64_t count, LossKind kind, const void* target, bool training, bool wrtInput) {
  auto input = inputTensor(x, count);
  if (wrtInput) input.requires_grad_(true);
  auto run = runGraph(nodes_, output_, input, params_, state_, training);
  auto value = loss(run.output, count, kind, target);
  std::vector<torch::Tensor> wrt(params_);
  if (wrtInput) wrt.push_back(input);
  auto grads = torch::autograd::grad({value}, wrt, {}, false, false, true);
  Gradients result{value.item<double>(), {}, {}};
  for (size_t i = 0; i < params_.size(); i++) {
    auto g = grads[i].defined() ? grads[i] : torch::zeros_like(params_[i]);
    result.params.push_back(toCanonicalLayout(g, paramInfo_[i].layout));
  }
  if (wrtInput) result.input = toNhwc(grads.back());
  return result;
}

// The same arithmetic as src/nn/optimizer.ts (SGD with Nesterov momentum and L2 decay; AdamW).
void CompiledModel::update(const std::vector<torch::Tensor>& grads, double lr) {
  steps_++;
  const auto& o = optimizer_;
  const double c1 = 1 / (1 - std::pow(o.beta1, static_cast<double>(steps_)));
  const double c2 = 1 / (1 - std::pow(o.beta2, static_cast<double>(steps_)));
  for (size_t i = 0; i < params_.size(); i++) {
    if (!grads[i].defined()) continue;
    auto& p = params_[i];
    const bool decay = o.weightDecay != 0 && paramInfo_[i].decays;
    if (o.name == "adam") {
      auto& m = slots1_[i];
      auto& v = slots2_[i];
      m.mul_(o.beta1).add_(grads[i], 1 - o.beta1);
      v.mul_(o.beta2).addcmul_(grads[i], grads[i], 1 - o.beta2);
      auto direction = (m * c1) / ((v * c2).sqrt_() + o.epsilon);
      if (decay) direction.add_(p, o.weightDecay);
      p.sub_(direction, lr);
    } else {
      auto g = decay ? grads[i] + p * o.weightDecay : grads[i];
      auto& velocity = slots1_[i];
      velocity.mul_(o.momentum).add_(g);
      if (o.nesterov) p.sub_(g + velocity * o.momentum, lr);
      else p.sub_(velocity, lr);
    }
  }
}

void CompiledModel::release() {
  params_.clear();
  state_.clear();
  slots1_.clear();
  slots2_.clear();
}

}  // namespace nascent
