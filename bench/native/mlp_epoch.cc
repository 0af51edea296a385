// Baseline for bench/engine: one epoch of the 784-1024-20-20-20-10 tanh MLP (SGD, batch 128, 60 000
// random inputs) as a plain C++ loop over the same ATen calls the TypeScript benchmark makes.
// Usage: mlp_epoch <threads> <epochs>; prints one line of JSON with each epoch's seconds.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  int epochs = argc > 2 ? std::atoi(argv[2]) : 1;
  at::set_num_threads(threads);
  auto generator = at::make_generator<at::CPUGeneratorImpl>(1);
  const int64_t samples = 60000, batch = 128;
  const double learningRate = 0.001;
  const std::vector<int64_t> widths = {784, 1024, 20, 20, 20, 10};
  at::Tensor inputs = at::rand({samples, 784}, generator);
  at::Tensor labels = at::randint(0, 10, {samples}, generator, at::kLong);
  std::vector<at::Tensor> params;
  for (size_t l = 0; l + 1 < widths.size(); l++) {
    params.push_back((at::randn({widths[l + 1], widths[l]}, generator) * 0.05).requires_grad_());
    params.push_back(at::zeros({widths[l + 1]}).requires_grad_());
  }
  std::printf("{\"epochSeconds\":[");
  for (int epoch = 0; epoch < epochs; epoch++) {
    auto start = std::chrono::steady_clock::now();
    at::Tensor order = at::randperm(samples, generator, at::kLong);
    for (int64_t first = 0; first < samples; first += batch) {
      at::Tensor index = order.narrow(0, first, std::min(batch, samples - first));
      at::Tensor x = inputs.index_select(0, index);
      at::Tensor y = labels.index_select(0, index);
      at::Tensor h = x;
      for (size_t l = 0; l + 2 < params.size(); l += 2) h = at::linear(h, params[l], params[l + 1]).tanh();
      at::Tensor logits = at::linear(h, params[params.size() - 2], params.back());
      at::Tensor loss = at::cross_entropy_loss(logits, y);
      loss.backward();
      {
        at::NoGradGuard noGrad;
        std::vector<at::Tensor> grads;
        for (auto& p : params) grads.push_back(p.grad());
        at::_foreach_add_(params, grads, -learningRate);
        at::_foreach_zero_(grads);
      }
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s%.4f", epoch ? "," : "", seconds);
    std::fflush(stdout);
  }
  std::printf("]}\n");
  return 0;
}
