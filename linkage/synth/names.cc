#include "linkage/synth/names.h"

#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "linkage/synth/text.h"

namespace reckon::synth_internal {
namespace {

// The raw lists. Entries are separated by commas; within an entry '/'
// separates the key spelling from a second form, and '~' introduces a
// diminutive in the same format. Key and second form per culture:
//   Azerbaijani   Azerbaijani Latin / Russian Cyrillic
//   Russian       Cyrillic
//   Georgian      national romanization, ' after an ejective (k' = კ)
//   Persian, Arab passport romanization / native script
//   Chinese       pinyin syllables / Han characters
//   others        Latin as in the passport (Vietnamese and Serbian with
//                 their diacritics)
// Male surnames only: female forms follow the culture's rule.
struct RawList {
  std::string_view male;
  std::string_view female;
  std::string_view surnames;
};

constexpr RawList kAzerbaijani = {
    "Məmməd/Мамед, Əli/Али, Hüseyn/Гусейн, Həsən/Гасан, Rəşad/Рашад, "
    "Vüqar/Вугар, Elnur/Эльнур, Elvin/Эльвин, Orxan/Орхан, Tural/Турал, "
    "Ramil/Рамиль, Rövşən/Ровшан, Elçin/Эльчин, Fərid/Фарид, "
    "Kamran/Камран, Nicat/Ниджат, Anar/Анар, Samir/Самир, Vaqif/Вагиф, "
    "Zaur/Заур, Cavid/Джавид, Emin/Эмин, İlham/Ильхам, Rauf/Рауф, "
    "Natiq/Натиг, Mübariz/Мубариз, Rüstəm/Рустам, Şahin/Шахин, "
    "Elşən/Эльшан, Azər/Азер, Fuad/Фуад, Yaşar/Яшар, Cəlil/Джалил, "
    "Tofiq/Тофик, Xəyal/Хаял, Ceyhun/Джейхун, Eldar/Эльдар, Arif/Ариф, "
    "Qasım/Гасым, Mirzə/Мирза",
    "Aygün/Айгюн, Günel/Гюнель, Leyla/Лейла, Aynur/Айнур, Nərmin/Нармин, "
    "Səbinə/Сабина, Könül/Кёнуль, Sevinc/Севиндж, Aysel/Айсель, "
    "Nigar/Нигяр, Ülviyyə/Ульвия, Türkan/Туркан, Fidan/Фидан, Lalə/Лала, "
    "Zəhra/Захра, Gülnar/Гюльнар, Aytən/Айтан, Səadət/Саадат, "
    "Mələk/Малак, Şəbnəm/Шабнам",
    "Məmmədov/Мамедов, Əliyev/Алиев, Hüseynov/Гусейнов, Həsənov/Гасанов, "
    "Quliyev/Кулиев, Cəfərov/Джафаров, İsmayılov/Исмаилов, "
    "Abbasov/Аббасов, Babayev/Бабаев, Rzayev/Рзаев, Kərimov/Керимов, "
    "Nəsirov/Насиров, Orucov/Оруджев, Ağayev/Агаев, Mustafayev/Мустафаев, "
    "Süleymanov/Сулейманов, Bayramov/Байрамов, Sadıqov/Садыхов, "
    "Səfərov/Сафаров, Vəliyev/Велиев, Qasımov/Касумов, Nəbiyev/Набиев, "
    "Əhmədov/Ахмедов, Zeynalov/Зейналов, Rəhimov/Рагимов, "
    "Xəlilov/Халилов, Əsədov/Асадов, İbrahimov/Ибрагимов, "
    "Əsgərov/Аскеров, Heydərov/Гейдаров, Paşayev/Пашаев, Tağıyev/Тагиев, "
    "Sultanov/Султанов, Musayev/Мусаев, Hacıyev/Гаджиев, "
    "Əhmədli/Ахмедли, Hüseynli/Гусейнли, Əlizadə/Ализаде, "
    "Novruzov/Новрузов, Salmanov/Салманов, Yusifov/Юсифов, "
    "Şükürov/Шукюров, Qurbanov/Курбанов, Əkbərov/Акперов, "
    "Cabbarov/Джаббаров, Fərzəliyev/Фарзалиев, Məlikov/Меликов, "
    "Qəmbərov/Гамбаров, Nuriyev/Нуриев, Mirzəyev/Мирзоев, Əmirov/Амиров, "
    "Hümbətov/Гумбатов, Rüstəmov/Рустамов",
};

constexpr RawList kTurkish = {
    "Mehmet~Memo, Mustafa, Ahmet, Ali, Hüseyin~Hüso, Hasan, İbrahim, "
    "İsmail, Osman, Yusuf, Murat, Ömer, Ramazan, Halil, Süleyman, "
    "Abdullah, Mahmut, Recep, Salih, Fatih, Kadir, Emre, Hakan, Burak, "
    "Serkan, Engin, Orhan, Cem, Kemal, Yasin, Volkan, Erkan, Gökhan, "
    "Tolga, Selim, Uğur, Tuncay, Sinan, Levent, Barış",
    "Fatma, Ayşe, Emine, Hatice, Zeynep, Elif, Meryem, Şerife, Zehra, "
    "Sultan, Hanife, Merve, Özlem, Esra, Gül, Derya, Büşra, Seda, Tuğba, "
    "Gamze",
    "Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, "
    "Özdemir, Arslan, Doğan, Kılıç, Aslan, Çetin, Kara, Koç, Kurt, Özkan, "
    "Şimşek, Polat, Özcan, Korkmaz, Çakır, Erdoğan, Yavuz, Can, Acar, Şen, "
    "Aktaş, Güler, Yalçın, Güneş, Bozkurt, Bulut, Keskin, Ünal, Turan, "
    "Gül, Özer, Işık, Kaplan, Avcı, Sarı, Tekin, Taş, Köse, Yüksel, Ateş, "
    "Aksoy, Karaca, Çiftçi",
};

constexpr RawList kGeorgian = {
    "Giorgi~Gogi, Davit~Dato, Irak'li, Levan~Lek'o, Aleksandre~Sandro, "
    "Nik'oloz~Nik'a, Zurab, Mamuk'a, Vakht'ang, Gela, Tamaz, Lasha, Beka, "
    "Luk'a, Otar, Merab, Shota, Tengiz, Guram, Revaz, Zaza, K'oba, Nodar, "
    "Avtandil, Ilia, Archil, P'aat'a, Gocha, Tornik'e, K'akha, Temur, "
    "Jemal",
    "Nino, Tamar, Mariam, Ana, Ek'at'erine~Ek'a, Natia, Salome, Elene, "
    "Ketevan~Keti, Maia, Tea, Nana, Manana, Lela, Irina, Khatuna, Sopo, "
    "Lia, Marina, Nona, Mzia, Eteri, Tinatin~Tiko, Lali, Rusudan~Rusik'o",
    "Beridze, K'apanadze, Gelashvili, Maisuradze, Giorgadze, Lomidze, "
    "Ts'iklauri, Bolkvadze, K'varatskhelia, Nozadze, Khutsishvili, "
    "Abashidze, Mikeladze, T'abat'adze, K'ik'nadze, Gogoladze, Chikovani, "
    "Japaridze, Dolidze, Natsvlishvili, Mch'edlishvili, Chkheidze, "
    "Ts'ereteli, Dadiani, Javakhishvili, Sulakvelidze, Shengelia, "
    "K'obakhidze, Gvaramia, Ch'anturia, Beradze, Gabunia, Barbakadze, "
    "K'virik'ashvili, Margvelashvili, Saak'ashvili, Gharibashvili, "
    "K'obalia, Tsintsadze, K'akhiani, Gogua, Janelidze, K'alandadze, "
    "Khachidze, Meladze, Lortkipanidze, Svanidze, Jikia, Bakradze, "
    "Akhvlediani, Chachua, Lobzhanidze, Shonia, Kutateladze, "
    "Pirtskhalava, Eliava, K'ereselidze, Goguadze",
};

constexpr RawList kRussian = {
    "Александр~Саша, Сергей~Серёжа, Дмитрий~Дима, Андрей, Алексей~Лёша, "
    "Владимир~Вова, Николай~Коля, Иван~Ваня, Михаил~Миша, Евгений~Женя, "
    "Игорь, Юрий, Олег, Виктор, Павел, Максим, Роман, Артём, Денис, "
    "Константин~Костя, Вадим, Антон, Кирилл, Борис, Григорий, Василий, "
    "Станислав, Владислав, Геннадий, Фёдор, Леонид, Валерий, Анатолий",
    "Елена~Лена, Ольга~Оля, Татьяна~Таня, Наталья~Наташа, Ирина, "
    "Светлана~Света, Анна~Аня, Мария~Маша, Екатерина~Катя, Юлия~Юля, "
    "Анастасия~Настя, Марина, Людмила, Галина, Валентина, Надежда, Оксана, "
    "Виктория, Дарья, Ксения, Вера, Любовь",
    "Иванов, Смирнов, Кузнецов, Попов, Васильев, Петров, Соколов, "
    "Михайлов, Новиков, Фёдоров, Морозов, Волков, Алексеев, Лебедев, "
    "Семёнов, Егоров, Павлов, Козлов, Степанов, Николаев, Орлов, Андреев, "
    "Макаров, Никитин, Захаров, Зайцев, Соловьёв, Борисов, Яковлев, "
    "Григорьев, Романов, Воробьёв, Сергеев, Кузьмин, Фролов, Александров, "
    "Дмитриев, Королёв, Гусев, Киселёв, Ильин, Максимов, Поляков, "
    "Сорокин, Виноградов, Ковалёв, Белов, Медведев, Антонов, Тарасов, "
    "Жуков, Баранов, Шевченко, Бондаренко, Коваленко, Вишневский, "
    "Щербаков, Чернышёв",
};

constexpr RawList kPersian = {
    "Mohammad/محمد, Ali/علی, Hossein/حسین, Reza/رضا, Mehdi/مهدی, "
    "Hassan/حسن, Amir/امیر, Abolfazl/ابوالفضل, Mohammadreza/محمدرضا, "
    "Mostafa/مصطفی, Saeed/سعید, Hamid/حمید, Majid/مجید, Javad/جواد, "
    "Ahmad/احمد, Kazem/کاظم, Abbas/عباس, Yousef/یوسف, Davood/داوود, "
    "Behrouz/بهروز, Farhad/فرهاد, Behzad/بهزاد, Kamran/کامران, "
    "Masoud/مسعود, Nader/نادر, Akbar/اکبر, Mohsen/محسن, Rahim/رحیم, "
    "Naser/ناصر, Jafar/جعفر, Sadegh/صادق, Hadi/هادی",
    "Fatemeh/فاطمه, Zahra/زهرا, Maryam/مریم, Zeinab/زینب, "
    "Masoumeh/معصومه, Somayeh/سمیه, Leila/لیلا, Narges/نرگس, Mina/مینا, "
    "Shirin/شیرین, Parisa/پریسا, Elham/الهام, Sara/سارا, "
    "Nazanin/نازنین, Mahsa/مهسا, Nasrin/نسرین, Azadeh/آزاده, "
    "Fariba/فریبا, Sepideh/سپیده, Tahereh/طاهره",
    "Hosseini/حسینی, Ahmadi/احمدی, Mohammadi/محمدی, Rezaei/رضایی, "
    "Mousavi/موسوی, Karimi/کریمی, Jafari/جعفری, Rahimi/رحیمی, "
    "Hashemi/هاشمی, Sadeghi/صادقی, Ghasemi/قاسمی, Heidari/حیدری, "
    "Kazemi/کاظمی, Abbasi/عباسی, Nouri/نوری, Akbari/اکبری, "
    "Ebrahimi/ابراهیمی, Amini/امینی, Soleimani/سلیمانی, Bagheri/باقری, "
    "Zarei/زارعی, Yazdani/یزدانی, Najafi/نجفی, Taheri/طاهری, "
    "Moradi/مرادی, Azizi/عزیزی, Sharifi/شریفی, Asadi/اسدی, "
    "Farhadi/فرهادی, Tehrani/تهرانی, Shirazi/شیرازی, Rostami/رستمی, "
    "Ghorbani/قربانی, Khosravi/خسروی, Salehi/صالحی, Mansouri/منصوری, "
    "Yousefi/یوسفی, Bahrami/بهرامی, Kermani/کرمانی, Nazari/نظری, "
    "Jalali/جلالی, Maleki/ملکی, Fathi/فتحی, Gholami/غلامی, "
    "Esfahani/اصفهانی, Tabrizi/تبریزی, Mirzaei/میرزایی, "
    "Alizadeh/علیزاده, Rezazadeh/رضازاده, Soltani/سلطانی, "
    "Pourmohammadi/پورمحمدی",
};

constexpr RawList kChinese = {
    "wei/伟, qiang/强, lei/磊, jun/军, yang/洋, yong/勇, jie/杰, tao/涛, "
    "chao/超, gang/刚, xiao ming/小明, jian guo/建国, zhi qiang/志强, "
    "jian hua/建华, guo qiang/国强, hai tao/海涛, jun jie/俊杰, "
    "yu hang/宇航, hao ran/浩然, zi xuan/子轩, peng/鹏, hui/辉, bin/斌, "
    "wen bo/文博, ming hui/明辉, zhi ming/志明, dong/东, bo/波, fei/飞, "
    "cheng long/成龙, xiao dong/晓东",
    "fang/芳, na/娜, min/敏, jing/静, li/丽, yan/艳, xia/霞, xiu ying/秀英, "
    "gui ying/桂英, yu lan/玉兰, li juan/丽娟, ting/婷, xue mei/雪梅, "
    "xiao yan/晓燕, xin yi/欣怡, jia yi/佳怡, zi han/梓涵, yu tong/雨桐, "
    "hui/慧, hong mei/红梅, chun mei/春梅, xiao hong/小红",
    "wang/王, li/李, zhang/张, liu/刘, chen/陈, yang/杨, huang/黄, "
    "zhao/赵, wu/吴, zhou/周, xu/徐, sun/孙, ma/马, zhu/朱, hu/胡, guo/郭, "
    "he/何, gao/高, lin/林, luo/罗, zheng/郑, liang/梁, xie/谢, song/宋, "
    "tang/唐, han/韩, feng/冯, deng/邓, cao/曹, peng/彭, zeng/曾, "
    "xiao/肖, tian/田, dong/董, yuan/袁, pan/潘, yu/于, jiang/蒋, cai/蔡, "
    "du/杜, ye/叶, cheng/程, su/苏, wei/魏, ding/丁, ren/任, shen/沈, "
    "yao/姚, lu/卢, cui/崔, zhong/钟, tan/谭, fan/范, jin/金",
};

constexpr RawList kIndian = {
    "Rajesh, Suresh, Ramesh, Mahesh, Amit, Anil, Sunil, Vijay, Sanjay, "
    "Rahul, Manoj, Ravi, Ashok, Deepak, Arun, Vinod, Rakesh, Ajay, "
    "Pradeep, Sandeep, Gurpreet, Harpreet, Manpreet, Arjun, Vikram, "
    "Naveen, Krishna, Srinivas, Venkatesh, Prakash, Mohan, Gopal",
    "Priya, Sunita, Anita, Pooja, Neha, Kavita, Lakshmi, Meena, Rekha, "
    "Geeta, Shanti, Asha, Deepa, Divya, Anjali, Sarita, Usha, Radha, "
    "Savita, Nisha",
    "Sharma, Singh, Kumar, Patel, Gupta, Verma, Yadav, Reddy, Nair, Das, "
    "Iyer, Rao, Mishra, Pandey, Joshi, Mehta, Shah, Jain, Chauhan, Thakur, "
    "Malhotra, Kapoor, Chopra, Bhatia, Agarwal, Srivastava, Tiwari, Dubey, "
    "Saxena, Sinha, Mukherjee, Banerjee, Chatterjee, Ghosh, Bose, Menon, "
    "Pillai, Naidu, Gill, Sandhu, Dhillon, Grewal, Sidhu, Bhatt, Desai, "
    "Kulkarni, Jadhav, Pawar, Rathore, Chaudhary, Khanna, Arora",
};

constexpr RawList kSouthAsianMuslim = {
    "Muhammad, Ahmed, Ali, Hassan, Imran, Usman, Bilal, Tariq, Asif, "
    "Kamran, Faisal, Zubair, Shahid, Naveed, Adnan, Rashid, Abdul Karim, "
    "Rahim, Karim, Jamal, Rafiq, Habib, Anwar, Nasir",
    "Fatima, Ayesha, Sana, Nadia, Rubina, Shazia, Nasreen, Farzana, "
    "Rukhsana, Salma, Yasmin, Taslima, Nusrat, Shirin",
    "Khan, Ahmed, Malik, Hussain, Butt, Chaudhry, Qureshi, Sheikh, Raza, "
    "Iqbal, Mirza, Siddiqui, Rahman, Hossain, Islam, Uddin, Alam, "
    "Chowdhury, Miah, Sarkar, Talukder, Bhuiyan, Haque, Kabir, Mahmud, "
    "Javed",
};

constexpr RawList kCentralAsian = {
    "Alisher, Bakhodir, Rustam, Sardor, Jamshid, Bobur, Dilshod, Sherzod, "
    "Farrukh, Timur, Otabek, Ulugbek, Aziz, Sanjar, Murod, Berdimurat, "
    "Serdar, Merdan, Aman, Gurbanguly, Yerlan, Nursultan, Dauren, Askar",
    "Dilnoza, Gulnara, Nilufar, Madina, Shahnoza, Zarina, Malika, Feruza, "
    "Aigul, Gulshat, Ayna, Jahan",
    "Karimov, Rakhimov, Yusupov, Abdullayev, Ismoilov, Tursunov, Nazarov, "
    "Saidov, Khodjayev, Umarov, Mirzayev, Sultanov, Ergashev, Turgunov, "
    "Orazov, Berdiyev, Atayev, Durdyyev, Gurbanov, Annayev, Akhmetov, "
    "Zhakupov, Suleimenov, Bekmurzayev, Nurmagambetov, Tashkentov",
};

constexpr RawList kVietnamese = {
    "Văn An, Văn Hùng, Minh Tuấn, Đức Anh, Quang Huy, Văn Nam, Thanh Tùng, "
    "Hoàng Long, Văn Dũng, Quốc Bảo, Minh Đức, Văn Thành",
    "Thị Lan, Thị Hương, Thị Mai, Thị Hoa, Ngọc Anh, Thu Trang, Thị Hằng, "
    "Thanh Hà, Thị Ngọc, Phương Linh",
    "Nguyễn, Trần, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Võ, Đặng, Bùi, Đỗ, "
    "Hồ, Ngô, Dương, Lý",
};

constexpr RawList kFilipino = {
    "Jose~Pepe, Juan, Mark, John Paul, Michael, Christian, Jerome, Angelo, "
    "Ramon~Monching, Eduardo~Eddie, Roberto~Bobby, Renato, Joel, Ronaldo",
    "Maria, Ana, Kristine, Jennifer~Jen, Mary Grace, Rosalie, Lorna, "
    "Marites, Jocelyn, Rowena, Maricel, Analyn",
    "Santos, Reyes, Cruz, Bautista, Ocampo, Garcia, Mendoza, Torres, "
    "Tomas, Andrada, Castillo, Flores, Villanueva, Ramos, Castro, Rivera, "
    "Aquino, Navarro, Salazar, Mercado, Dela Cruz, De Leon",
};

constexpr RawList kSouthSlavic = {
    "Marko, Nikola, Stefan, Luka, Miloš, Aleksandar~Saša, Nemanja, "
    "Dragan, Zoran, Goran, Milan, Dejan, Vladimir~Vlada, Đorđe, Dušan, "
    "Mirza, Emir, Adnan, Haris, Kenan",
    "Milica, Jelena, Ana, Marija, Jovana, Ivana, Dragana, Snežana, Amra, "
    "Lejla, Emina, Selma",
    "Jovanović, Petrović, Nikolić, Marković, Đorđević, Stojanović, Ilić, "
    "Stanković, Pavlović, Milošević, Popović, Kovačević, Hodžić, Hadžić, "
    "Begović, Delić, Mehmedović, Hasanović, Kovač, Babić, Šarić, Čolić, "
    "Jukić, Lukić",
};

constexpr RawList kArab = {
    "Mohamed/محمد, Ahmed/أحمد, Mahmoud/محمود, Mostafa/مصطفى, Omar/عمر, "
    "Khaled/خالد, Youssef/يوسف, Ibrahim/إبراهيم, Hassan/حسن, Ali/علي, "
    "Abdallah/عبدالله, Tarek/طارق, Karim/كريم, Amr/عمرو, Osama/أسامة, "
    "Yasser/ياسر",
    "Fatma/فاطمة, Mariam/مريم, Nour/نور, Sara/سارة, Hoda/هدى, Mona/منى, "
    "Amal/أمل, Yasmin/ياسمين, Aya/آية, Dina/دينا",
    "Hassan/حسن, Elsayed/السيد, Abdelrahman/عبدالرحمن, Ibrahim/إبراهيم, "
    "Mahmoud/محمود, Osman/عثمان, Elamin/الأمين, Abdalla/عبدالله, "
    "Saleh/صالح, Mansour/منصور, Adel/عادل, Farouk/فاروق, Soliman/سليمان, "
    "Elsherif/الشريف, Nasr/نصر, Awad/عوض, Bashir/بشير, Mousa/موسى, "
    "Adam/آدم, Hamed/حامد",
};

constexpr RawList kAfrican = {
    "Chinedu, Emeka, Oluwaseun~Seun, Babatunde~Tunde, Kwame, Kofi, "
    "Kwabena, Yaw, Samuel~Sam, Daniel~Dan, John, Peter, Emmanuel, "
    "Joseph~Joe, Brian, Kevin, Jean, Pierre, Eric, Ibrahim",
    "Ngozi, Chioma, Adaeze, Funmilayo~Funmi, Abena, Akosua, Ama, Grace, "
    "Mercy, Faith, Wanjiru, Achieng",
    "Okafor, Okonkwo, Eze, Adeyemi, Adebayo, Olawale, Balogun, Mensah, "
    "Owusu, Boateng, Asante, Osei, Agyeman, Kamau, Otieno, Mwangi, "
    "Ochieng, Kiprop, Njoroge, Nkemelu, Fotso, Ngono, Tchoupo, Mbarga",
};

const RawList& RawFor(Culture culture) {
  switch (culture) {
    case Culture::kAzerbaijani:
      return kAzerbaijani;
    case Culture::kTurkish:
      return kTurkish;
    case Culture::kGeorgian:
      return kGeorgian;
    case Culture::kRussian:
      return kRussian;
    case Culture::kPersian:
      return kPersian;
    case Culture::kChinese:
      return kChinese;
    case Culture::kIndian:
      return kIndian;
    case Culture::kSouthAsianMuslim:
      return kSouthAsianMuslim;
    case Culture::kCentralAsian:
      return kCentralAsian;
    case Culture::kVietnamese:
      return kVietnamese;
    case Culture::kFilipino:
      return kFilipino;
    case Culture::kSerbian:
    case Culture::kBosnian:
      return kSouthSlavic;
    case Culture::kArab:
      return kArab;
    case Culture::kAfrican:
      break;
  }
  return kAfrican;
}

struct RawEntry {
  std::string key;
  std::string second;
  std::string dim_key;
  std::string dim_second;
};

std::string Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

void SplitForms(std::string_view text, std::string* key, std::string* second) {
  const size_t slash = text.find('/');
  *key = Trim(text.substr(0, slash));
  *second = slash == std::string_view::npos ? "" : Trim(text.substr(slash + 1));
}

std::vector<RawEntry> ParseList(std::string_view list) {
  std::vector<RawEntry> entries;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t end = list.find(',', pos);
    if (end == std::string_view::npos) end = list.size();
    const std::string_view item = list.substr(pos, end - pos);
    pos = end + 1;
    if (Trim(item).empty()) continue;
    RawEntry entry;
    const size_t tilde = item.find('~');
    SplitForms(item.substr(0, tilde), &entry.key, &entry.second);
    if (tilde != std::string_view::npos) {
      SplitForms(item.substr(tilde + 1), &entry.dim_key, &entry.dim_second);
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::string Strip(std::string_view text, char drop) {
  std::string out;
  for (char c : text) {
    if (c != drop) out.push_back(c);
  }
  return out;
}

std::string AsciiTitle(std::string_view text) {
  return TitleCase(AsciiFold(text));
}

std::string Mrz(std::string_view passport) {
  std::string out;
  for (char c : AsciiFold(passport)) {
    if (c == ' ' || c == '-') {
      out.push_back('<');
    } else if (c >= 'A' && c <= 'Z') {
      out.push_back(c);
    }
  }
  return out;
}

// Fills the fields derived from `cyrillic` and `passport`.
void Finish(Spelling* s) {
  if (!s->cyrillic.empty()) {
    s->gost = CyrillicToLatin(CyrillicScheme::kGost).Apply(s->cyrillic);
    s->bgn = CyrillicToLatin(CyrillicScheme::kBgn).Apply(s->cyrillic);
  }
  if (s->passport_from_cyrillic.empty()) {
    s->passport_from_cyrillic = s->passport;
  }
  s->mrz = Mrz(s->passport);
}

Spelling FromLatin(std::string_view latin, LatinDialect dialect) {
  Spelling s;
  s.native = std::string(latin);
  s.passport = std::string(latin);
  s.cyrillic = LatinToCyrillic(dialect).Apply(latin);
  s.az_latin = dialect == LatinDialect::kTurkish
                   ? std::string(latin)
                   : LatinToAzerbaijani(dialect).Apply(latin);
  s.ascii = AsciiTitle(latin);
  return s;
}

Spelling MakeSpelling(Culture culture, const std::string& key,
                      const std::string& second) {
  Spelling s;
  switch (culture) {
    case Culture::kAzerbaijani:
      s.native = key;
      s.az_latin = key;
      s.cyrillic = second;
      s.passport = AzerbaijaniToPassport().Apply(key);
      s.passport_from_cyrillic =
          CyrillicToLatin(CyrillicScheme::kIcao).Apply(second);
      s.ascii = AsciiTitle(key);
      break;
    case Culture::kRussian:
      s.native = key;
      s.cyrillic = key;
      s.passport = CyrillicToLatin(CyrillicScheme::kIcao).Apply(key);
      s.az_latin = CyrillicToAzerbaijani().Apply(key);
      s.ascii = AsciiTitle(CyrillicToLatin(CyrillicScheme::kBgn).Apply(key));
      break;
    case Culture::kGeorgian: {
      const std::string plain = Strip(key, '\'');
      s = FromLatin(plain, LatinDialect::kOriental);
      s.native = GeorgianToMkhedruli().Apply(key);
      break;
    }
    case Culture::kPersian:
    case Culture::kArab:
      s = FromLatin(key, LatinDialect::kOriental);
      s.native = second;
      s.variants = RomanizationVariants(key);
      break;
    case Culture::kSouthAsianMuslim:
      s = FromLatin(key, LatinDialect::kEnglish);
      s.variants = RomanizationVariants(key);
      break;
    case Culture::kChinese: {
      const std::string joined = TitleCase(Strip(key, ' '));
      s.native = second;
      s.passport = joined;
      s.cyrillic = PinyinToCyrillic(key);
      s.az_latin = joined;
      s.ascii = joined;
      if (key.find(' ') != std::string::npos) {
        s.variants.push_back(TitleCase(key));
        std::string hyphen = key;
        for (char& c : hyphen) {
          if (c == ' ') c = '-';
        }
        s.variants.push_back(TitleCase(hyphen));
      }
      break;
    }
    case Culture::kTurkish:
      s = FromLatin(key, LatinDialect::kTurkish);
      break;
    case Culture::kCentralAsian:
      s = FromLatin(key, LatinDialect::kOriental);
      break;
    case Culture::kVietnamese: {
      // Vietnamese passports write đ as D, not as the Serbian Dj.
      std::string undotted;
      for (char32_t c : DecodeUtf8(key)) {
        AppendUtf8(c == U'Đ' ? U'D' : c == U'đ' ? U'd' : c, &undotted);
      }
      const std::string plain = AsciiTitle(undotted);
      s = FromLatin(plain, LatinDialect::kEnglish);
      s.native = key;
      break;
    }
    case Culture::kSerbian:
    case Culture::kBosnian:
      s = FromLatin(key, LatinDialect::kSerbian);
      if (culture == Culture::kSerbian) {
        s.native = SerbianToCyrillic().Apply(key);
      }
      break;
    case Culture::kIndian:
    case Culture::kFilipino:
    case Culture::kAfrican:
      s = FromLatin(key, LatinDialect::kEnglish);
      break;
  }
  Finish(&s);
  return s;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

// The female form of a surname in a script that inflects it (Latin -ov,
// -yev, -in; Cyrillic -ов, -ев, -ин, -ский); other surnames are unchanged.
std::string FemaleSurname(const std::string& male) {
  for (std::string_view suffix :
       {"ov", "ev", "in", "ов", "ев", "ёв", "ин", "ын"}) {
    if (EndsWith(male, suffix)) {
      const bool latin = static_cast<unsigned char>(suffix.front()) < 0x80;
      return male + (latin ? "a" : "а");
    }
  }
  if (EndsWith(male, "ский")) {
    return male.substr(0, male.size() - std::string("ий").size()) + "ая";
  }
  return male;
}

bool IsCyrillicVowel(char32_t c) {
  return std::u32string_view(U"аеёиоуыэюя").find(ToLower(c)) !=
         std::u32string_view::npos;
}

// A Russian patronymic from a father's name written in Cyrillic:
// Иван -> Иванович/Ивановна, Сергей -> Сергеевич, Игорь -> Игоревич,
// Юрий -> Юрьевич, Дмитрий -> Дмитриевич, Али -> Алиевич.
std::string CyrillicPatronymic(const std::string& father, size_t sex) {
  std::u32string name = DecodeUtf8(father);
  const std::u32string male_end = U"ич";
  const std::u32string female_end = U"на";
  std::u32string stem;
  std::u32string link;
  const size_t n = name.size();
  if (n >= 3 && name[n - 2] == U'и' && name[n - 1] == U'й') {
    stem = name.substr(0, n - 2);
    const bool cluster = stem.size() >= 2 &&
                         !IsCyrillicVowel(stem[stem.size() - 1]) &&
                         !IsCyrillicVowel(stem[stem.size() - 2]);
    link = cluster ? U"иев" : U"ьев";
  } else if (n >= 2 && (name[n - 1] == U'й' || name[n - 1] == U'ь')) {
    stem = name.substr(0, n - 1);
    link = U"ев";
  } else if (n >= 1 && IsCyrillicVowel(name[n - 1])) {
    stem = name;
    link = U"ев";
  } else {
    stem = name;
    link = U"ов";
  }
  return EncodeUtf8(stem + link + (sex == kMale ? male_end : female_end));
}

Spelling MakePatronymic(Culture culture, const Spelling& father, size_t sex) {
  Spelling s;
  const std::string turkic_suffix = sex == kMale ? " oğlu" : " qızı";
  s.cyrillic = CyrillicPatronymic(father.cyrillic, sex);
  if (culture == Culture::kRussian) {
    s.native = s.cyrillic;
    s.az_latin = CyrillicToAzerbaijani().Apply(s.cyrillic);
  } else {
    s.native = father.az_latin + turkic_suffix;
    s.az_latin = s.native;
  }
  s.passport = CyrillicToLatin(CyrillicScheme::kIcao).Apply(s.cyrillic);
  s.ascii = AsciiTitle(CyrillicToLatin(CyrillicScheme::kBgn).Apply(s.cyrillic));
  Finish(&s);
  return s;
}

std::vector<double> ZipfWeights(size_t n) {
  std::vector<double> weights(n);
  for (size_t i = 0; i < n; ++i) {
    weights[i] = 1.0 / std::pow(static_cast<double>(i + 1), 0.8);
  }
  return weights;
}

NameList Build(Culture culture) {
  const RawList& raw = RawFor(culture);
  NameList list;
  list.culture = culture;
  const std::array<std::string_view, 2> given_lists = {raw.male, raw.female};
  for (size_t sex : {kMale, kFemale}) {
    for (const RawEntry& entry : ParseList(given_lists[sex])) {
      list.given[sex].push_back(MakeSpelling(culture, entry.key, entry.second));
      if (entry.dim_key.empty()) {
        list.diminutive[sex].push_back(-1);
      } else {
        list.diminutive[sex].push_back(
            static_cast<int>(list.diminutives[sex].size()));
        list.diminutives[sex].push_back(
            MakeSpelling(culture, entry.dim_key, entry.dim_second));
      }
    }
    list.given_weights[sex] =
        WeightedTable(ZipfWeights(list.given[sex].size()));
  }
  for (const RawEntry& entry : ParseList(raw.surnames)) {
    list.surname[kMale].push_back(
        MakeSpelling(culture, entry.key, entry.second));
    const bool inflects = culture == Culture::kAzerbaijani ||
                          culture == Culture::kRussian ||
                          culture == Culture::kCentralAsian;
    list.surname[kFemale].push_back(
        inflects ? MakeSpelling(culture, FemaleSurname(entry.key),
                                FemaleSurname(entry.second))
                 : list.surname[kMale].back());
  }
  list.surname_weights = WeightedTable(ZipfWeights(list.surname[kMale].size()));
  if (culture == Culture::kAzerbaijani || culture == Culture::kRussian ||
      culture == Culture::kCentralAsian) {
    for (size_t sex : {kMale, kFemale}) {
      for (const Spelling& father : list.given[kMale]) {
        list.patronymic[sex].push_back(MakePatronymic(culture, father, sex));
      }
    }
  }
  list.surname_first =
      culture == Culture::kAzerbaijani || culture == Culture::kRussian ||
      culture == Culture::kCentralAsian || culture == Culture::kChinese;
  list.no_spaces = culture == Culture::kChinese;
  return list;
}

}  // namespace

const NameList& Names(Culture culture) {
  static const std::array<NameList, kCultureCount>* const kLists = [] {
    auto* lists = new std::array<NameList, kCultureCount>;
    for (size_t i = 0; i < kCultureCount; ++i) {
      (*lists)[i] = Build(static_cast<Culture>(i));
    }
    return lists;
  }();
  return (*kLists)[static_cast<size_t>(culture)];
}

std::string_view CultureName(Culture culture) {
  static constexpr std::array<std::string_view, kCultureCount> kNames = {
      "azerbaijani",   "turkish",    "georgian", "russian",
      "persian",       "chinese",    "indian",   "south_asian_muslim",
      "central_asian", "vietnamese", "filipino", "serbian",
      "bosnian",       "arab",       "african"};
  return kNames[static_cast<size_t>(culture)];
}

}  // namespace reckon::synth_internal
