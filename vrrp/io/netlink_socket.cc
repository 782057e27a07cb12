#include "vrrp/io/netlink_socket.h"

#include <fmt/core.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace keel::vrrp::netlink {

struct Socket::KernelError {
  int error_number = 0;  // positive errno of the last NLMSG_ERROR, 0 when none
  std::string text;      // NLMSGERR_ATTR_MSG, when the kernel explained itself
};

namespace {

// Extended ack (Linux 4.12): after the nlmsgerr come TLVs; NLMSGERR_ATTR_MSG is the
// kernel's human-readable reason ("Nexthop has invalid gateway", ...).
std::string extack_text(const nlmsgerr* error) {
  const auto* outer = reinterpret_cast<const nlmsghdr*>(reinterpret_cast<const char*>(error) - NLMSG_HDRLEN);
  if (!(outer->nlmsg_flags & NLM_F_ACK_TLVS)) return {};
  // With NLM_F_CAPPED only the request's header is echoed; otherwise the whole request.
  const std::size_t echoed = (outer->nlmsg_flags & NLM_F_CAPPED) ? sizeof(nlmsghdr) : NLMSG_ALIGN(error->msg.nlmsg_len);
  const std::size_t offset = offsetof(nlmsgerr, msg) + echoed;
  const std::size_t payload = outer->nlmsg_len - NLMSG_HDRLEN;
  if (offset >= payload) return {};
  const auto* attributes = reinterpret_cast<const nlattr*>(reinterpret_cast<const char*>(error) + offset);
  const nlattr* message = nla_find(attributes, static_cast<int>(payload - offset), NLMSGERR_ATTR_MSG);
  if (message == nullptr || nla_len(message) <= 0) return {};
  const auto* text = static_cast<const char*>(nla_data(message));
  return std::string{text, strnlen(text, static_cast<std::size_t>(nla_len(message)))};
}

int errno_of(int nle_code) {
  switch (nle_code) {
    case NLE_NODEV:
      return ENODEV;
    case NLE_EXIST:
      return EEXIST;
    case NLE_NOADDR:
      return EADDRNOTAVAIL;
    case NLE_PERM:
      return EPERM;
    case NLE_NOACCESS:
      return EACCES;
    case NLE_INVAL:
      return EINVAL;
    case NLE_BUSY:
      return EBUSY;
    case NLE_RANGE:
      return ERANGE;
    case NLE_NOMEM:
      return ENOMEM;
    case NLE_AGAIN:
      return EAGAIN;
    case NLE_OPNOTSUPP:
      return EOPNOTSUPP;
    case NLE_AF_NOSUPPORT:
      return EAFNOSUPPORT;
    case NLE_BAD_SOCK:
      return EBADF;
    default:
      return 0;
  }
}

int remember_kernel_error(sockaddr_nl*, nlmsgerr* error, void* arg) {
  auto* last = static_cast<Socket::KernelError*>(arg);
  last->error_number = -error->error;
  last->text = extack_text(error);
  return NL_STOP;  // libnl then returns the matching NLE code to the caller
}

}  // namespace

Socket::Socket(nl_sock* socket, std::unique_ptr<KernelError> last) : socket_(socket), last_(std::move(last)) {}
Socket::Socket(Socket&&) noexcept = default;
Socket& Socket::operator=(Socket&&) noexcept = default;
Socket::~Socket() = default;

IoResult<Socket> Socket::open() {
  nl_sock* raw = nl_socket_alloc();
  if (raw == nullptr) return std::unexpected(IoError{"netlink socket: out of memory", ENOMEM});
  Socket socket{raw, std::make_unique<KernelError>()};
  if (int err = nl_connect(raw, NETLINK_ROUTE); err < 0) return std::unexpected(socket.error("netlink socket", err));
  const int one = 1;
  // Best effort: without them errors still carry errno, just not the kernel's text.
  setsockopt(nl_socket_get_fd(raw), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
  setsockopt(nl_socket_get_fd(raw), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
  nl_socket_modify_err_cb(raw, NL_CB_CUSTOM, remember_kernel_error, socket.last_.get());
  return socket;
}

int Socket::fd() const { return nl_socket_get_fd(socket_.get()); }

void Socket::forget_kernel_error() { *last_ = KernelError{}; }

IoError Socket::error(std::string_view what, int nle_code) const {
  if (last_->error_number != 0) {
    std::string message = fmt::format("{}: {}", what, std::strerror(last_->error_number));
    if (!last_->text.empty()) message += fmt::format(" ({})", last_->text);
    return IoError{std::move(message), last_->error_number};
  }
  // Some libnl calls (rtnl_link_get_kernel) handle the kernel's answer themselves and
  // return only its NLE translation: take the errno back where the translation is 1:1.
  const int code = nle_code < 0 ? -nle_code : nle_code;
  if (const int error_number = errno_of(code); error_number != 0)
    return IoError{fmt::format("{}: {}", what, std::strerror(error_number)), error_number};
  // Not the kernel's refusal (allocation, socket, parsing): libnl's own words.
  return IoError{fmt::format("{}: {}", what, nl_geterror(code)), EIO};
}

IoResult<> Socket::request(nl_msg* message, std::string_view what) {
  forget_kernel_error();
  if (int sent = nl_send_auto(socket_.get(), message); sent < 0) return std::unexpected(error(what, sent));
  if (int acked = nl_wait_for_ack(socket_.get()); acked < 0) return std::unexpected(error(what, acked));
  return {};
}

IoResult<LinkPtr> Socket::link(const std::string& name, std::string_view what) {
  forget_kernel_error();
  rtnl_link* raw = nullptr;
  if (int err = rtnl_link_get_kernel(socket_.get(), 0, name.c_str(), &raw); err < 0) {
    // libnl says "not found" itself when the answer held no link.
    if (last_->error_number == 0 && (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV)) last_->error_number = ENODEV;
    return std::unexpected(error(what, err));
  }
  return LinkPtr{raw};
}

IoResult<int> Socket::ifindex(const std::string& name, std::string_view what) {
  auto found = link(name, what);
  if (!found) return std::unexpected(found.error());
  return rtnl_link_get_ifindex(found->get());
}

void SetterErrors::check(int result, std::string_view field) {
  if (result >= 0 || first_) return;
  first_ = IoError{fmt::format("{}: {}: {}", what_, field, nl_geterror(result)), EINVAL};
}

IoResult<> SetterErrors::result() const {
  if (first_) return std::unexpected(*first_);
  return {};
}

int address_family(config::Family family) { return family == config::Family::kIpv6 ? AF_INET6 : AF_INET; }

AddrPtr to_nl_addr(const config::IpAddress& address) {
  const std::size_t length = address.is_v6() ? 16 : 4;
  return AddrPtr{nl_addr_build(address_family(address.family), address.bytes.data(), length)};
}

AddrPtr to_nl_addr(const config::IpPrefix& prefix) {
  AddrPtr result = to_nl_addr(prefix.address);
  if (result) nl_addr_set_prefixlen(result.get(), prefix.length);
  return result;
}

std::optional<config::IpAddress> from_nl_addr(const nl_addr* address) {
  if (address == nullptr) return std::nullopt;
  config::IpAddress result;
  const int family = nl_addr_get_family(address);
  const unsigned length = nl_addr_get_len(address);
  if (family == AF_INET && length == 4)
    result.family = config::Family::kIpv4;
  else if (family == AF_INET6 && length == 16)
    result.family = config::Family::kIpv6;
  else
    return std::nullopt;
  std::memcpy(result.bytes.data(), nl_addr_get_binary_addr(address), length);
  return result;
}

}  // namespace keel::vrrp::netlink
