// Every visible string of the web app, in Vietnamese (default) and English.
export type Lang = 'vi' | 'en';

export const LANG_KEY = 'motcua.lang';

const vi = {
  product: 'Một cửa',
  skip: 'Bỏ qua, đến nội dung chính',
  navLabel: 'Điều hướng chính',
  langLabel: 'Ngôn ngữ',
  demo: 'Bản trình diễn',
  demoNote: 'Dữ liệu trình diễn — không dùng cho hồ sơ thật.',
  navHome: 'Trang chủ',
  navProcedures: 'Thủ tục hành chính',
  navTrack: 'Tra cứu hồ sơ',
  navLogin: 'Đăng nhập',
  homeTitle: 'Dịch vụ công trực tuyến',
  homeLead:
    'Tìm thủ tục hành chính, nộp hồ sơ trực tuyến, nộp phí, lệ phí và theo dõi tiến độ giải quyết tại một nơi.',
  homeFind: 'Tìm thủ tục',
  homeFindText: 'Xem thành phần hồ sơ, thời hạn giải quyết, phí và lệ phí của từng thủ tục.',
  homeTrack: 'Tra cứu hồ sơ',
  homeTrackText: 'Nhập mã hồ sơ trên giấy tiếp nhận để xem hồ sơ đang ở bước nào.',
  homeLogin: 'Tài khoản',
  homeLoginText: 'Đăng nhập một lần để nộp hồ sơ và nhận kết quả điện tử.',
  proceduresTitle: 'Thủ tục hành chính',
  proceduresText:
    'Danh mục thủ tục hành chính sẽ hiển thị tại đây: tìm kiếm theo tên, lĩnh vực, cơ quan thực hiện và mức độ dịch vụ công.',
  trackTitle: 'Tra cứu hồ sơ',
  trackLabel: 'Mã hồ sơ',
  trackHint: 'Ví dụ: 000.00.01.H22-261122-0001',
  trackSubmit: 'Tra cứu',
  trackEmpty: 'Vui lòng nhập mã hồ sơ.',
  trackResultTitle: 'Hồ sơ',
  trackResultText: 'Trạng thái giải quyết của hồ sơ sẽ hiển thị tại đây.',
  trackAgain: 'Tra cứu hồ sơ khác',
  loginTitle: 'Đăng nhập',
  loginUser: 'Tên đăng nhập hoặc số định danh cá nhân',
  loginPassword: 'Mật khẩu',
  loginSubmit: 'Đăng nhập',
  loginNote: 'Chức năng đăng nhập sẽ hoạt động khi dịch vụ định danh được triển khai.',
  notFoundTitle: 'Không tìm thấy trang',
  notFoundText: 'Trang bạn tìm không tồn tại hoặc đã được chuyển đi.',
  notFoundHome: 'Về trang chủ',
  footer: 'Hệ thống một cửa điện tử',
};

const en: typeof vi = {
  product: 'One-stop service',
  skip: 'Skip to main content',
  navLabel: 'Main navigation',
  langLabel: 'Language',
  demo: 'Demo',
  demoNote: 'Demonstration data — not for real applications.',
  navHome: 'Home',
  navProcedures: 'Administrative procedures',
  navTrack: 'Track a dossier',
  navLogin: 'Sign in',
  homeTitle: 'Online public services',
  homeLead:
    'Find an administrative procedure, submit your dossier online, pay fees and charges, and follow its progress in one place.',
  homeFind: 'Find a procedure',
  homeFindText: 'See the required documents, processing time, fees and charges of each procedure.',
  homeTrack: 'Track a dossier',
  homeTrackText: 'Enter the dossier code from your receipt to see which step it is at.',
  homeLogin: 'Account',
  homeLoginText: 'Sign in once to submit dossiers and receive electronic results.',
  proceduresTitle: 'Administrative procedures',
  proceduresText:
    'The catalog of administrative procedures will appear here: search by name, field, implementing agency and service level.',
  trackTitle: 'Track a dossier',
  trackLabel: 'Dossier code',
  trackHint: 'For example: 000.00.01.H22-261122-0001',
  trackSubmit: 'Track',
  trackEmpty: 'Please enter a dossier code.',
  trackResultTitle: 'Dossier',
  trackResultText: 'The processing status of the dossier will appear here.',
  trackAgain: 'Track another dossier',
  loginTitle: 'Sign in',
  loginUser: 'User name or personal identification number',
  loginPassword: 'Password',
  loginSubmit: 'Sign in',
  loginNote: 'Signing in will work once the identity service is deployed.',
  notFoundTitle: 'Page not found',
  notFoundText: 'The page you are looking for does not exist or has moved.',
  notFoundHome: 'Go to the home page',
  footer: 'Electronic one-stop system',
};

export type Messages = typeof vi;
export const messages: Record<Lang, Messages> = { vi, en };

export function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === 'vi' || saved === 'en') return saved;
  } catch {
    // Storage can be unavailable (private mode); Vietnamese is the default.
  }
  return 'vi';
}

export function saveLang(lang: Lang): void {
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    // Not persisted; the choice still holds for this page view.
  }
}
