#include "graph.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace nascent {

Op parseOp(const std::string& name) {
  static const std::unordered_map<std::string, Op> ops = {
      {"input", Op::Input}, {"param", Op::Param}, {"state", Op::State}, {"conv2d", Op::Conv2d},
      {"dense", Op::Dense}, {"addBatchless", Op::AddBatchless}, {"add", Op::Add},
      {"batchNorm", Op::BatchNorm}, {"layerNorm", Op::LayerNorm}, {"activation", Op::Activation},
      {"pool", Op::Pool}, {"globalPool", Op::GlobalPool}, {"flatten", Op::Flatten},
      {"dropout", Op::Dropout}, {"scaleChannels", Op::ScaleChannels},
      {"channelShuffle", Op::ChannelShuffle}, {"concat", Op::Concat}, {"patches", Op::Patches},
      {"attention", Op::Attention}, {"zeros", Op::Zeros}, {"softmax", Op::Softmax},
      {"weightedSum", Op::WeightedSum}, {"embedding", Op::Embedding}, {"reshape", Op::Reshape},
      {"sliceChannels", Op::SliceChannels}};
  auto found = ops.find(name);
  if (found == ops.end()) throw std::runtime_error("the torch engine has no primitive '" + name + "' (rebuild the addon: npm run build:torch)");
  return found->second;
}

Fn parseFn(const std::string& name) {
  if (name == "relu") return Fn::Relu;
  if (name == "relu6") return Fn::Relu6;
  if (name == "hswish") return Fn::HSwish;
  if (name == "hsigmoid") return Fn::HSigmoid;
  if (name == "gelu") return Fn::Gelu;
  if (name == "sigmoid") return Fn::Sigmoid;
  throw std::runtime_error("the torch engine has no activation '" + name + "'");
}

// NHWC memory is an NCHW tensor in channels-last format: the boundary is a view, not a copy.
torch::Tensor fromNhwc(const torch::Tensor& x) { return x.dim() == 4 ? x.permute({0, 3, 1, 2}) : x; }
torch::Tensor toNhwc(const torch::Tensor& x) { return x.dim() == 4 ? x.permute({0, 2, 3, 1}).contiguous() : x; }

torch::Tensor toTorchLayout(const torch::Tensor& canonical, const Layout& layout) {
  if (layout.kernel == 0) return canonical.reshape(layout.shape).contiguous();
  const auto& s = layout.shape;  // [k*k, C/g, O]
  return canonical.reshape({layout.kernel, layout.kernel, s[1], s[2]}).permute({3, 2, 0, 1}).contiguous(at::MemoryFormat::ChannelsLast);
}

torch::Tensor toCanonicalLayout(const torch::Tensor& held, const Layout& layout) {
  if (layout.kernel == 0) return held.contiguous();
  return held.permute({2, 3, 1, 0}).reshape(layout.shape).contiguous();
}

namespace {

bool isImage(const torch::Tensor& x) { return x.dim() == 4; }

// Applies f to x with its channels on the last axis (NHWC images, tokens and vectors as they are).
template <typename F>
torch::Tensor channelsLast(const torch::Tensor& x, F f) {
  if (!isImage(x)) return f(x);
  return f(x.permute({0, 2, 3, 1})).permute({0, 3, 1, 2});
}

torch::Tensor activate(Fn fn, const torch::Tensor& x) {
  switch (fn) {
    case Fn::Relu: return torch::relu(x);
    case Fn::Relu6: return torch::hardtanh(x, 0, 6);
    case Fn::HSwish: return torch::hardswish(x);
    case Fn::HSigmoid: return torch::hardsigmoid(x);
    case Fn::Gelu: return torch::gelu(x, "tanh");
    case Fn::Sigmoid: return torch::sigmoid(x);
  }
  return x;
}

// Tokens and NHWC images are contiguous rows of features: one (add)mm on the flattened rows, as at::linear does,
// instead of matmul's batched path and a separate bias add.
torch::Tensor dense(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor* b) {
  return channelsLast(x, [&](const torch::Tensor& v) {
    if (v.dim() == 2) return b ? torch::addmm(*b, v, w) : torch::mm(v, w);
    auto rows = v.reshape({-1, v.size(-1)});
    auto y = b ? torch::addmm(*b, rows, w) : torch::mm(rows, w);
    auto shape = v.sizes().vec();
    shape.back() = w.size(1);
    return y.view(shape);
  });
}

// Fused projection layout [q (heads) | k (kvHeads) | v (kvHeads)], each KV head shared by heads/kvHeads query heads (GQA).
// The attention width heads * dh may differ from the model width D (a given head dimension; width-pruned heads).
torch::Tensor attention(const torch::Tensor& x, int64_t heads, int64_t kvHeads, int64_t headDim, bool causal, const torch::Tensor& wqkv,
                        const torch::Tensor& bqkv, const torch::Tensor& wo, const torch::Tensor& bo) {
  const auto n = x.size(0), t = x.size(1), dh = headDim > 0 ? headDim : x.size(2) / heads, d = heads * dh;
  torch::Tensor q, k, v;
  if (kvHeads == heads) {
    auto qkv = dense(x, wqkv, &bqkv).reshape({n, t, 3, heads, dh}).permute({2, 0, 3, 1, 4});
    // unbind, not qkv[i]: three selects would each scatter a zero-filled qkv-sized gradient in backward.
    auto parts = qkv.unbind(0);
    q = parts[0], k = parts[1], v = parts[2];
  } else {
    const auto kv = kvHeads * dh;
    auto qkv = dense(x, wqkv, &bqkv);
    q = qkv.narrow(2, 0, d).reshape({n, t, heads, dh}).transpose(1, 2);
    k = qkv.narrow(2, d, kv).reshape({n, t, kvHeads, dh}).transpose(1, 2).repeat_interleave(heads / kvHeads, 1);
    v = qkv.narrow(2, d + kv, kv).reshape({n, t, kvHeads, dh}).transpose(1, 2).repeat_interleave(heads / kvHeads, 1);
  }
  auto scores = torch::matmul(q, k.transpose(2, 3)) * (1.0 / std::sqrt(static_cast<double>(dh)));
  if (causal) scores = scores.masked_fill(torch::ones({t, t}, torch::kBool).triu(1), -std::numeric_limits<float>::infinity());
  auto attended = torch::matmul(torch::softmax(scores, -1), v);
  return dense(attended.transpose(1, 2).reshape({n, t, d}), wo, &bo);
}

torch::Tensor patches(const torch::Tensor& x, int64_t p) {
  const auto n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  const auto rows = (h + p - 1) / p, cols = (w + p - 1) / p;
  auto padded = (rows * p > h || cols * p > w) ? torch::constant_pad_nd(x, {0, cols * p - w, 0, rows * p - h}) : x;
  // In NHWC order (the images' memory order): [n, rows, p, cols, p, c] -> [n, rows, cols, p, p, c].
  return padded.permute({0, 2, 3, 1}).reshape({n, rows, p, cols, p, c}).permute({0, 1, 3, 2, 4, 5}).reshape({n, rows * cols, p * p * c});
}

torch::Tensor shuffleLastAxis(const torch::Tensor& x, int64_t groups) {
  auto shape = x.sizes().vec();
  const auto c = shape.back();
  std::vector<int64_t> split(shape.begin(), shape.end() - 1);
  split.push_back(groups);
  split.push_back(c / groups);
  return x.reshape(split).transpose(-1, -2).reshape(shape);
}

torch::Tensor channelShuffle(const torch::Tensor& x, int64_t groups) {
  return channelsLast(x, [&](const torch::Tensor& v) { return shuffleLastAxis(v, groups); });
}

std::string describe(const Node& node, const std::vector<torch::Tensor>& values) {
  std::ostringstream out;
  out << "layer '" << (node.path.empty() ? "network" : node.path) << "' (" << node.opName << ")";
  bool first = true;
  for (int i : node.inputs) {
    out << (first ? " on shapes " : ", ");
    first = false;
    const auto& v = values[i];
    if (!v.defined()) { out << "[?]"; continue; }
    auto nhwc = v.dim() == 4 ? std::vector<int64_t>{v.size(0), v.size(2), v.size(3), v.size(1)} : v.sizes().vec();
    out << "[";
    for (size_t k = 0; k < nhwc.size(); k++) out << (k ? ", " : "") << nhwc[k];
    out << "]";
  }
  return out.str();
}

}  // namespace

RunResult runGraph(const std::vector<Node>& nodes, int output, const torch::Tensor& input,
                   const std::vector<torch::Tensor>& params, const std::vector<torch::Tensor>& state, bool training) {
  std::vector<torch::Tensor> values(nodes.size());
  RunResult result;
  for (size_t i = 0; i < nodes.size(); i++) {
    const Node& node = nodes[i];
    auto in = [&](size_t k) -> const torch::Tensor& { return values[node.inputs[k]]; };
    try {
      torch::Tensor y;
      switch (node.op) {
        case Op::Input: y = input; break;
        case Op::Param: y = params[node.slot]; break;
        case Op::State: y = state[node.slot]; break;
        case Op::Conv2d: {
          const int64_t pad = node.dilation * (node.kernel - 1) / 2;
          y = torch::conv2d(in(0), in(1), {}, node.stride, pad, node.dilation, node.groups);
          break;
        }
        case Op::Dense: {
          torch::Tensor bias = node.inputs.size() > 2 ? in(2) : torch::Tensor();
          y = dense(in(0), node.transposed ? in(1).t() : in(1), bias.defined() ? &bias : nullptr);
          break;
        }
        case Op::AddBatchless: {
          const auto& x = in(0);
          const auto& p = in(1);
          if (isImage(x)) y = x + (p.dim() == 1 ? p.view({1, -1, 1, 1}) : p.permute({2, 0, 1}).unsqueeze(0));
          else y = x + p;
          break;
        }
        case Op::Add: y = in(0) + in(1); break;
        case Op::BatchNorm: {
          const auto& x = in(0);
          if (!training) {
            auto run = [&](const torch::Tensor& v) { return torch::batch_norm(v, in(1), in(2), in(3), in(4), false, node.momentum, node.epsilon, false); };
            y = x.dim() == 3 ? run(x.transpose(1, 2)).transpose(1, 2) : run(x);
            break;
          }
          auto v = x.dim() == 3 ? x.transpose(1, 2) : x;
          auto out = torch::native_batch_norm(v, in(1), in(2), {}, {}, true, node.momentum, node.epsilon);
          y = std::get<0>(out);
          if (x.dim() == 3) y = y.transpose(1, 2);
          torch::NoGradGuard noGrad;
          const auto& mean = std::get<1>(out);
          const auto& invstd = std::get<2>(out);
          // Biased batch variance (as the jax engine): var = 1 / invstd^2 - eps.
          auto variance = invstd.pow(-2) - node.epsilon;
          const double m = node.momentum;
          result.stateUpdates.emplace_back(node.meanSlot, in(3) * (1 - m) + mean * m);
          result.stateUpdates.emplace_back(node.varSlot, in(4) * (1 - m) + variance.clamp_min(0) * m);
          break;
        }
        case Op::LayerNorm:
          y = channelsLast(in(0), [&](const torch::Tensor& v) { return torch::layer_norm(v, {v.size(-1)}, in(1), in(2), node.epsilon); });
          break;
        case Op::Activation: y = activate(node.fn, in(0)); break;
        case Op::Pool:
          y = node.maxPool ? torch::max_pool2d(in(0), node.kernel, node.stride, node.padding)
                           : torch::avg_pool2d(in(0), node.kernel, node.stride, node.padding, false, false);
          break;
        case Op::GlobalPool: {
          const auto& x = in(0);
          if (isImage(x)) y = x.mean({2, 3});
          else {
            std::vector<int64_t> axes;
            for (int64_t a = 1; a + 1 < x.dim(); a++) axes.push_back(a);
            y = x.mean(axes);
          }
          break;
        }
        case Op::Flatten: {
          const auto& x = in(0);
          y = (isImage(x) ? x.permute({0, 2, 3, 1}) : x).reshape({x.size(0), -1});
          break;
        }
        case Op::Dropout: y = torch::dropout(in(0), node.rate, training); break;
        case Op::ScaleChannels: {
          const auto& x = in(0);
          y = x * in(1).view({x.size(0), x.size(1), 1, 1});
          break;
        }
        case Op::ChannelShuffle: y = channelShuffle(in(0), node.groups); break;
        case Op::SliceChannels: y = in(0).narrow(isImage(in(0)) ? 1 : -1, node.start, node.count); break;
        case Op::Concat: {
          std::vector<torch::Tensor> parts;
          for (size_t k = 0; k < node.inputs.size(); k++) parts.push_back(in(k));
          y = torch::cat(parts, isImage(parts[0]) ? 1 : -1);
          break;
        }
        case Op::Patches: y = patches(in(0), node.patch); break;
        case Op::Attention:
          y = attention(in(0), node.heads, node.kvHeads > 0 ? node.kvHeads : node.heads, node.headDim, node.causal, in(1), in(2), in(3), in(4));
          break;
        case Op::Embedding: y = torch::embedding(in(1), in(0).to(torch::kLong)); break;
        case Op::Reshape: {
          std::vector<int64_t> shape{in(0).size(0)};
          shape.insert(shape.end(), node.shape.begin(), node.shape.end());
          y = fromNhwc(toNhwc(in(0)).reshape(shape));
          break;
        }
        case Op::Zeros: y = torch::zeros_like(in(0)); break;
        case Op::Softmax: y = torch::softmax(in(0), -1); break;
        case Op::WeightedSum: {
          const auto& w = in(0);
          y = in(1) * w[0];
          for (size_t k = 2; k < node.inputs.size(); k++) y = y + in(k) * w[k - 1];
          break;
        }
      }
      values[i] = std::move(y);
    } catch (const c10::Error& error) {
      throw std::runtime_error(describe(node, values) + ": " + error.what_without_backtrace());
    } catch (const std::exception& error) {
      throw std::runtime_error(describe(node, values) + ": " + error.what());
    }
    // Free what no later node reads (autograd keeps what backward needs).
    for (int k : node.inputs)
      if (nodes[k].lastUse == static_cast<int>(i) && k != output) values[k].reset();
  }
  result.output = values[output];
  return result;
}

}  // namespace nascent
